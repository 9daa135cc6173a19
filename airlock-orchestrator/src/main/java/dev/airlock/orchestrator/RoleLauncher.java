package dev.airlock.orchestrator;

import dev.airlock.core.CacheDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Starts a role as its own OS process running the same distribution ({@code java -cp <the role's class path>
 * dev.airlock.cli.Main <role subcommand>}, see {@link RoleClassPath}), with an environment built from scratch: a
 * fixed base (PATH, LANG, HOME pointing at the role's own directory) plus exactly the variables the caller grants
 * that role. Nothing of the orchestrator's own environment is inherited, so a credential given to one role cannot
 * reach another.
 */
public final class RoleLauncher {
    /** Called right after a role process started; tests use it to inspect /proc/&lt;pid&gt;. */
    public interface Observer {
        void started(Role role, ProcessHandle process);

        Observer NONE = (role, process) -> { };
    }

    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    private static final List<String> GUARD_JIT = List.of("--add-modules=jdk.incubator.vector",
            "-XX:Tier4InvocationThreshold=50000", "-XX:Tier4CompileThreshold=150000",
            "-XX:Tier4BackEdgeThreshold=400000");
    private final List<String> javaCommand;
    private final RoleClassPath classPath;
    private final Path homes;
    private Observer observer = Observer.NONE;
    private ClassDataArchives archives;

    /**
     * @param javaCommand the JVM and its options, up to, not including, the class path
     * @param classPath   each role's class path
     */
    private RoleLauncher(List<String> javaCommand, RoleClassPath classPath, Path homes) {
        this.javaCommand = List.copyOf(javaCommand);
        this.classPath = Objects.requireNonNull(classPath);
        this.homes = Objects.requireNonNull(homes);
    }

    /** The command that runs this very JVM's distribution: same java binary, each role with its own class path. */
    public static RoleLauncher sameDistribution(Path homes) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Short-lived roles: C1 only, the serial collector and no perf-data file start fastest; the cache directory
        // is passed explicitly because the role's environment has no XDG_CACHE_HOME. (No -Xshare option: the JVM
        // refuses one next to an AOT cache option, and its default already maps the JDK's own archive.)
        return new RoleLauncher(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                C1_ONLY, "-XX:-UsePerfData", "-D" + CacheDirectory.PROPERTY + "=" + CacheDirectory.root()),
                RoleClassPath.ofThisJvm(), homes)
                .classDataSharing(true);
    }

    /**
     * Whether role JVMs use per-verb AOT caches ({@link ClassDataArchives}); only when this JVM runs the packaged
     * distribution, whose roles get class paths of jars only (an AOT cache cannot hold classes from directories).
     */
    public RoleLauncher classDataSharing(boolean v) {
        archives = v ? ClassDataArchives.forThisDistribution() : null;
        return this;
    }

    public RoleLauncher observer(Observer v) {
        observer = Objects.requireNonNull(v);
        return this;
    }

    /** A launcher like this one that tells {@code first}, then this launcher's observer, of every process started. */
    public RoleLauncher observedFirstBy(Observer first) {
        Observer then = observer;
        RoleLauncher copy = new RoleLauncher(javaCommand, classPath, homes).observer((role, p) -> {
            first.started(role, p);
            then.started(role, p);
        });
        copy.archives = archives;
        return copy;
    }

    /** Starts {@code role} with {@code args} and the granted variables only. */
    public Process start(Role role, List<String> args, Map<String, String> granted) throws IOException {
        return start(role, args, granted, null);
    }

    /** As {@link #start(Role, List, Map)}, with stdout and stderr appended to {@code log} when it is not null. */
    public Process start(Role role, List<String> args, Map<String, String> granted, Path log) throws IOException {
        return start(role, args, granted, log, false);
    }

    /**
     * As {@link #start(Role, List, Map)}, with the process's stdin a pipe the caller writes to (requests to a role
     * worker, or the go signal to a role started ahead of its phase) instead of {@code /dev/null}.
     */
    public Process startWithInput(Role role, List<String> args, Map<String, String> granted) throws IOException {
        return start(role, args, granted, null, true);
    }

    private Process start(Role role, List<String> args, Map<String, String> granted, Path log, boolean input)
            throws IOException {
        Path home = homes.resolve(role.label());
        java.nio.file.Files.createDirectories(home);
        List<String> command = new ArrayList<>(javaCommand);
        if (role == Role.GUARD) {
            // The guard scans every request for as long as the agent works: it gets C2 and the scanner's vector
            // prefilter, which the C1-only start-up tuning of the short-lived roles would turn off. C2 waits for ten
            // times its usual counts: it starts while four other JVMs want the same cores, and at the usual counts it
            // compiled code that runs only at start-up (~0.2 s of CPU); what serves requests gets there anyway.
            int at = command.indexOf(C1_ONLY);
            if (at >= 0) { // a launcher built with other JVM options keeps them
                command.remove(at);
                command.addAll(at, GUARD_JIT);
            }
        }
        String roleClassPath = classPath.of(role);
        ClassDataArchives.Use archive = archives == null ? null
                : archives.use(archiveName(role, args), command, roleClassPath);
        if (archive != null) {
            command.addAll(1, archive.options());
        }
        command.addAll(List.of("-cp", roleClassPath, RoleClassPath.MAIN_CLASS));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(baseEnvironment(home));
        env.putAll(granted);
        if (!input) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        if (log != null) {
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        Process p = pb.start();
        if (archive != null) {
            archive.endWhenExited(p);
        }
        observer.started(role, p.toHandle());
        return p;
    }

    /** One archive per role verb: {@code git export} and {@code git publish} load different classes. */
    static String archiveName(Role role, List<String> args) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < Math.min(2, args.size()) && !args.get(i).startsWith("-"); i++) {
            name.append(name.isEmpty() ? "" : "-").append(args.get(i));
        }
        return name.isEmpty() ? role.label() : name.toString();
    }

    /** What every role gets: nothing secret. */
    static Map<String, String> baseEnvironment(Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("HOME", home.toString());
        return env;
    }
}
