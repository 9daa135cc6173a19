package dev.airlock.cli.drop;

import dev.airlock.drop.s3.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the dead drop is, shared by the commands that talk to it with credentials. */
public final class DropOptions {
    @Option(names = "--drop-endpoint", description = "S3 endpoint, e.g. http://127.0.0.1:9000 (omit for AWS S3).")
    URI endpoint;

    @Option(names = "--drop-region", defaultValue = "us-east-1", description = "S3 region (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--drop-bucket", defaultValue = "airlock", description = "Bucket (default: ${DEFAULT-VALUE}).")
    String bucket;

    @Option(names = "--drop-virtual-host", description = "Use virtual-host style addressing instead of path style.")
    boolean virtualHost;

    @Option(names = "--drop-credentials", description = "File with the access key and secret key on two lines "
            + "(default: the embedded store's, under $XDG_DATA_HOME/airlock/drop/credentials).")
    Path credentials;

    public boolean configured() {
        return endpoint != null;
    }

    public S3Settings settings() throws IOException {
        Path file = credentials != null ? credentials
                : dev.airlock.drop.server.EmbeddedS3Server.defaultDataDir().resolve("credentials");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2) {
            throw new IOException("credentials file " + file + " must hold the access key and the secret key on two lines");
        }
        return new S3Settings(endpoint, region, bucket, !virtualHost, lines.get(0).strip(), lines.get(1).strip());
    }
}
