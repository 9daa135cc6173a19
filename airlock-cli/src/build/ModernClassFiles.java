import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Build step of the distribution (run by airlock-cli's pom, never shipped): rewrites the Java 5 class files of a jar
 * (picocli's) as Java 8 class files with stack maps. The JVM cannot put class files older than version 50 into a
 * class-data archive or AOT cache, so every role JVM loaded, parsed and verified picocli's ~175 classes with the old
 * inferencing verifier at each start; rewritten, they are mapped from the cache like every other class. The code of
 * every method is unchanged: only the version and the StackMapTable attributes the JDK's class-file API computes.
 *
 * <p>Usage: {@code java ModernClassFiles.java JAR}; rewrites JAR in place, and does nothing to a jar that holds no
 * class older than version 50 (so running it again changes nothing).
 */
public final class ModernClassFiles {
    private static final int JAVA_8 = 52;

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Path out = jar.resolveSibling(jar.getFileName() + ".modern.tmp");
        int rewritten = 0;
        try (JarFile in = new JarFile(jar.toFile(), false);
             URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null);
             JarOutputStream o = new JarOutputStream(Files.newOutputStream(out))) {
            // Stack maps need the common superclass of types meeting at a branch: the jar's own classes, then the JDK's.
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.ofResourceParsing(loader).orElse(ClassHierarchyResolver.defaultResolver())),
                    ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
            var entries = in.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                byte[] bytes;
                try (InputStream s = in.getInputStream(e)) {
                    bytes = s.readAllBytes();
                }
                if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
                    ClassModel model = cf.parse(bytes);
                    if (model.majorVersion() < 50) {
                        // Every method's code goes through the builder again, which is what adds its stack maps.
                        bytes = cf.transformClass(model, (builder, element) -> {
                            switch (element) {
                                case ClassFileVersion v -> builder.withVersion(JAVA_8, 0);
                                case MethodModel m -> builder.transformMethod(m,
                                        MethodTransform.transformingCode(CodeTransform.ACCEPT_ALL));
                                default -> builder.with(element);
                            }
                        });
                        rewritten++;
                    }
                }
                JarEntry copy = new JarEntry(e.getName());
                copy.setTime(e.getTime());
                o.putNextEntry(copy);
                o.write(bytes);
                o.closeEntry();
            }
        }
        if (rewritten == 0) {
            Files.delete(out);
            return;
        }
        verify(out);
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ModernClassFiles: " + rewritten + " class files of " + jar.getFileName()
                + " rewritten as version " + JAVA_8 + " and verified");
    }

    /**
     * Loads and links every class of the rewritten jar in a loader of its own, so the JVM's type-checking verifier
     * checks each stack map now: a wrong one fails the build instead of the first start of the distribution.
     */
    private static void verify(Path jar) throws IOException {
        try (JarFile in = new JarFile(jar.toFile(), false);
             URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null)) {
            for (JarEntry e : java.util.Collections.list(in.entries())) {
                String name = e.getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    // Initialising links, and linking verifies (picocli's static initialisers only build tables).
                    Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), true, loader);
                }
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            Files.deleteIfExists(jar);
            throw new IOException("a rewritten class does not verify: " + e, e);
        }
    }
}
