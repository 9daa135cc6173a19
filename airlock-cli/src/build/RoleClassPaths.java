import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Build step of the distribution (run by airlock-cli's pom, never shipped): writes {@code <out>/<role>.classpath},
 * the jars one role's JVM gets, so that a role can load only the code of its own modules. The agent worker and the
 * egress guard then cannot even load JGit, the AWS SDK or the GitHub client: the trust diagram made physical.
 *
 * <p>A role names its root artifacts; its class path is their dependency closure in the distribution's own
 * resolution: the edges come from {@code dependency:tree -Dverbose} (which lists every edge, also one to an artifact
 * Maven took from another path, but shows some resolved artifacts only as "omitted"), the jars from
 * {@code dependency:list}, the very artifacts {@code copy-dependencies} puts into {@code lib/}. A root written
 * {@code group:artifact!} contributes its jar without its dependencies; one written {@code -group:artifact} (or
 * {@code -group:*}) keeps that artifact out of the role's class path whatever depends on it.
 *
 * <p>Usage: {@code java RoleClassPaths.java TREE LIST OUT CLASSES_JAR role=group:artifact[,group:artifact!]...
 * ...}; {@code java RoleClassPaths.java --check DIST OUT} fails unless every listed jar exists under DIST.
 */
public final class RoleClassPaths {
    private final Map<String, Set<String>> children = new LinkedHashMap<>();
    /** Key (group:artifact[:classifier]) → the file name copy-dependencies gives the resolved artifact. */
    private final Map<String, String> resolved = new LinkedHashMap<>();
    /** Keys the tree shows with their own dependencies (not only as "omitted"). */
    private final Set<String> expanded = new LinkedHashSet<>();

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--check")) {
            check(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: RoleClassPaths TREE LIST OUT CLASSES_JAR role=roots...");
        }
        RoleClassPaths tree = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
        tree.resolved(Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8));
        List<String> unexpanded = tree.resolved.keySet().stream().filter(k -> !tree.expanded.contains(k)).toList();
        if (!unexpanded.isEmpty()) {
            // Their own dependencies reach a role only through other paths: a role that fails to load one of them
            // needs that dependency as a root of its own.
            System.err.println("role class paths: shown only as omitted in the dependency tree: " + unexpanded);
        }
        Path out = Files.createDirectories(Path.of(args[2]));
        for (int i = 4; i < args.length; i++) {
            String[] role = args[i].split("=", 2);
            List<String> lines = new ArrayList<>();
            lines.add(args[3]);
            for (String file : tree.closure(List.of(role[1].split(",")))) {
                lines.add("lib/" + file);
            }
            Files.write(out.resolve(role[0] + ".classpath"), lines, StandardCharsets.UTF_8);
        }
    }

    /** Reads Maven's verbose dependency tree (text output): two-space-plus-marker indentation, 3 characters a level. */
    static RoleClassPaths parse(List<String> lines) {
        RoleClassPaths tree = new RoleClassPaths();
        Deque<String> path = new ArrayDeque<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            int start = 0;
            while (start < line.length() && "|+\\- ".indexOf(line.charAt(start)) >= 0) {
                start++;
            }
            int depth = start / 3;
            String body = line.substring(start);
            boolean omitted = body.startsWith("(");
            String key = key(body.substring(omitted ? 1 : 0).split(" ", 2)[0].split(":"));
            while (path.size() > depth) {
                path.pop();
            }
            if (!path.isEmpty()) {
                tree.children.computeIfAbsent(path.peek(), k -> new LinkedHashSet<>()).add(key);
            }
            if (!omitted) {
                tree.expanded.add(key);
            }
            path.push(key);
        }
        return tree;
    }

    /** Reads {@code dependency:list}: one {@code group:artifact:type[:classifier]:version:scope} a line. */
    void resolved(List<String> lines) {
        for (String line : lines) {
            String[] coords = line.strip().split(" ", 2)[0].split(":");
            if (coords.length < 5 || !coords[2].equals("jar")) {
                continue; // the heading, or a pom-only artifact: nothing to load
            }
            String classifier = coords.length == 6 ? "-" + coords[3] : "";
            resolved.put(key(coords), coords[1] + "-" + coords[coords.length - 2] + classifier + ".jar");
        }
    }

    /** group:artifact[:classifier] of group:artifact:type[:classifier]:version[:scope] (the tree's root: no scope). */
    private static String key(String[] coords) {
        return coords.length == 6 ? coords[0] + ":" + coords[1] + ":" + coords[3] : coords[0] + ":" + coords[1];
    }

    /**
     * The jar files of {@code roots} and of everything they depend on, in the order first reached, never entering an
     * artifact a root written {@code -group:artifact} or {@code -group:*} excludes (a power the role must not hold that
     * a module it needs declares for its other users, e.g. the drop module's AWS SDK, which the git role never loads).
     */
    List<String> closure(List<String> roots) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        List<String> excluded = roots.stream().filter(r -> r.startsWith("-")).map(r -> r.substring(1)).toList();
        java.util.function.Predicate<String> allowed = key -> excluded.stream().noneMatch(x -> x.endsWith(":*")
                ? key.startsWith(x.substring(0, x.length() - 1)) : key.equals(x));
        for (String root : roots) {
            if (root.startsWith("-")) {
                continue;
            }
            boolean jarOnly = root.endsWith("!");
            String key = jarOnly ? root.substring(0, root.length() - 1) : root;
            if (!resolved.containsKey(key)) {
                throw new IllegalArgumentException(key + " is not a runtime dependency of the distribution");
            }
            if (jarOnly) {
                seen.add(key);
            } else {
                todo.add(key);
            }
        }
        while (!todo.isEmpty()) {
            String key = todo.poll();
            if (allowed.test(key) && seen.add(key)) {
                todo.addAll(children.getOrDefault(key, Set.of()));
            }
        }
        List<String> files = new ArrayList<>();
        for (String key : seen) {
            String file = resolved.get(key);
            if (file != null) { // null: the distribution itself, or a pom-only artifact (e.g. a BOM)
                files.add(file);
            }
        }
        return files;
    }

    /** Fails unless every entry of every role's class path exists: a role must never start with a jar missing. */
    static void check(Path dist, Path out) throws IOException {
        List<String> missing = new ArrayList<>();
        try (var files = Files.list(out)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".classpath")).sorted().toList()) {
                for (String entry : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!entry.isBlank() && !Files.isRegularFile(dist.resolve(entry))) {
                        missing.add(f.getFileName() + ": " + entry);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("role class paths name jars the distribution does not ship: " + missing);
        }
    }
}
