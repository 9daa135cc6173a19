package dev.airlock.cli.roles;

/** Started with a role's class path by {@link RoleClassPathsTest}: prints each named class it can load. */
public final class ClassPathProbe {
    private ClassPathProbe() {
    }

    public static void main(String[] args) {
        for (String name : args) {
            try {
                Class.forName(name, false, ClassPathProbe.class.getClassLoader());
                System.out.println(name);
            } catch (ClassNotFoundException | LinkageError e) {
                // not on this role's class path: what the test wants to see for another role's code
            }
        }
    }
}
