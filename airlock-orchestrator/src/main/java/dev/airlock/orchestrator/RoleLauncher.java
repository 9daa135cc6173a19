package dev.airlock.orchestrator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Starts a role as its own OS process running the same distribution ({@code java -cp <classpath>
 * dev.airlock.cli.Main <role subcommand>}), with an environment built from scratch: a fixed base (PATH, LANG,
 * HOME pointing at the role's own directory) plus exactly the variables the caller grants that role. Nothing of the
 * orchestrator's own environment is inherited, so a credential given to one role cannot reach another.
 */
public final class RoleLauncher {
    /** Called right after a role process started; tests use it to inspect /proc/&lt;pid&gt;. */
    public interface Observer {
        void started(Role role, ProcessHandle process);

        Observer NONE = (role, process) -> { };
    }

    private final List<String> javaCommand;
    private final Path homes;
    private Observer observer = Observer.NONE;
    private boolean classDataSharing;

    /** @param javaCommand the JVM and its options up to, not including, the main class's arguments */
    public RoleLauncher(List<String> javaCommand, Path homes) {
        this.javaCommand = List.copyOf(javaCommand);
        this.homes = Objects.requireNonNull(homes);
    }

    /** The command that runs this very JVM's distribution: same java binary, same class path. */
    public static RoleLauncher sameDistribution(Path homes) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new RoleLauncher(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "dev.airlock.cli.Main"), homes).classDataSharing(isPackagedDistribution());
    }

    /** Use a per-role AppCDS archive under the role homes directory (only for a JVM command line). */
    public RoleLauncher classDataSharing(boolean v) {
        classDataSharing = v;
        return this;
    }

    /**
     * AppCDS refuses class paths holding directories (a JVM started with such a path and an archive option exits),
     * so archives are used only for the packaged distribution: the single jar {@code ./airlock} runs.
     */
    private static boolean isPackagedDistribution() {
        String cp = System.getProperty("java.class.path", "");
        return !cp.contains(java.io.File.pathSeparator) && cp.endsWith("airlock-cli.jar");
    }

    public RoleLauncher observer(Observer v) {
        observer = Objects.requireNonNull(v);
        return this;
    }

    /** A launcher like this one that tells {@code first}, then this launcher's observer, of every process started. */
    public RoleLauncher observedFirstBy(Observer first) {
        Observer then = observer;
        return new RoleLauncher(javaCommand, homes).classDataSharing(classDataSharing).observer((role, p) -> {
            first.started(role, p);
            then.started(role, p);
        });
    }

    /** Starts {@code role} with {@code args} and the granted variables only. */
    public Process start(Role role, List<String> args, Map<String, String> granted) throws IOException {
        return start(role, args, granted, null);
    }

    /** As {@link #start(Role, List, Map)}, with stdout and stderr appended to {@code log} when it is not null. */
    public Process start(Role role, List<String> args, Map<String, String> granted, Path log) throws IOException {
        Path home = homes.resolve(role.label());
        java.nio.file.Files.createDirectories(home);
        List<String> command = new ArrayList<>(javaCommand);
        if (classDataSharing) {
            // One dynamic class-data archive per role, created on first use: a role JVM then starts in a fraction of
            // the time (the archive holds class metadata only, nothing of a run).
            command.addAll(1, List.of("-XX:+AutoCreateSharedArchive",
                    "-XX:SharedArchiveFile=" + homes.resolve(role.label() + ".jsa")));
        }
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(baseEnvironment(home));
        env.putAll(granted);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (log != null) {
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        Process p = pb.start();
        observer.started(role, p.toHandle());
        return p;
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
