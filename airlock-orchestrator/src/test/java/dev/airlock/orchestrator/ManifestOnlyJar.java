package dev.airlock.orchestrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** A jar holding only a manifest with one attribute: what launchers read to find a distribution or a class path. */
final class ManifestOnlyJar {
    private ManifestOnlyJar() {
    }

    static Path write(Path file, Attributes.Name key, String value) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(key, value);
        try (var out = new JarOutputStream(Files.newOutputStream(file), m)) {
            out.flush();
        }
        return file;
    }
}
