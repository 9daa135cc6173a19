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
 * resolution, read from {@code dependency:tree -Dverbose} (every edge is listed there, also to an artifact that
 * Maven took from another path), with each artifact at the version the distribution ships in {@code lib/}. A root
 * written {@code group:artifact!} contributes its jar without its dependencies.
 *
 * <p>Usage: {@code java RoleClassPaths.java TREE OUT CLASSES_JAR role=group:artifact[,group:artifact!]... ...};
 * {@code java RoleClassPaths.java --check DIST OUT} fails unless every listed jar exists under DIST.
 */
public final class RoleClassPaths {
    /** A resolved artifact: its key (group:artifact[:classifier]) and the file name copy-dependencies gives it. */
    record Artifact(String key, String fileName) { }

    private final Map<String, Set<String>> children = new LinkedHashMap<>();
    private final Map<String, Artifact> resolved = new LinkedHashMap<>();

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--check")) {
            check(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: RoleClassPaths TREE OUT CLASSES_JAR role=roots...");
        }
        RoleClassPaths tree = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
        Path out = Files.createDirectories(Path.of(args[1]));
        for (int i = 3; i < args.length; i++) {
            String[] role = args[i].split("=", 2);
            List<String> lines = new ArrayList<>();
            lines.add(args[2]);
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
            String[] coords = body.substring(omitted ? 1 : 0).split(" ", 2)[0].split(":");
            String key;
            String version;
            String type = coords[2];
            if (coords.length == 6) { // group:artifact:type:classifier:version:scope
                key = coords[0] + ":" + coords[1] + ":" + coords[3];
                version = coords[4];
            } else { // group:artifact:type:version[:scope] (the root has no scope)
                key = coords[0] + ":" + coords[1];
                version = coords[3];
            }
            while (path.size() > depth) {
                path.pop();
            }
            if (!path.isEmpty()) {
                tree.children.computeIfAbsent(path.peek(), k -> new LinkedHashSet<>()).add(key);
            }
            if (!omitted && type.equals("jar")) {
                String classifier = coords.length == 6 ? "-" + coords[3] : "";
                tree.resolved.putIfAbsent(key, new Artifact(key, coords[1] + "-" + version + classifier + ".jar"));
            }
            path.push(key);
        }
        return tree;
    }

    /** The jar files of {@code roots} and of everything they depend on, in the order first reached. */
    List<String> closure(List<String> roots) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (String root : roots) {
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
            if (seen.add(key)) {
                todo.addAll(children.getOrDefault(key, Set.of()));
            }
        }
        List<String> files = new ArrayList<>();
        for (String key : seen) {
            Artifact a = resolved.get(key);
            if (a != null) { // null: a pom-only artifact (e.g. a BOM), nothing to load
                files.add(a.fileName());
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
