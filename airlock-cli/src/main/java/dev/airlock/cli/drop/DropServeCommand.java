package dev.airlock.cli.drop;

import dev.airlock.core.Redaction;
import dev.airlock.drop.server.EmbeddedS3Server;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the embedded S3-compatible dead drop (s3proxy, filesystem backend, AWS Signature V4) on "
                + "127.0.0.1 until interrupted.",
                "Credentials are generated on first start into <data-dir>/credentials (mode 0600)."})
public final class DropServeCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "Where objects and credentials live "
            + "(default: $XDG_DATA_HOME/airlock/drop or ~/.local/share/airlock/drop).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "0", description = "Port on 127.0.0.1; 0 picks a free one (default).")
    int port;

    @Option(names = "--bucket", defaultValue = "airlock", description = "Bucket to create (default: ${DEFAULT-VALUE}).")
    String bucket;

    @Option(names = "--exit-with-parent", description = "Stop when the process that started this one exits: an "
            + "orchestrator's embedded store must not outlive it if it is killed.")
    boolean exitWithParent;

    @Override
    public Integer call() throws Exception {
        if (exitWithParent) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        }
        Path dir = dataDir != null ? dataDir : EmbeddedS3Server.defaultDataDir();
        EmbeddedS3Server server = EmbeddedS3Server.start(dir, port);
        server.ensureBucket(bucket);
        System.out.println("airlock drop: serving " + server.endpoint() + " bucket=" + bucket + " data=" + dir
                + " access-key=" + Redaction.redact(server.accessKey()) + " credentials=" + dir.resolve("credentials"));
        System.out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
