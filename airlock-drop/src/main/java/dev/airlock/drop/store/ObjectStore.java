package dev.airlock.drop.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** The credentialed side of the dead drop: only the orchestrator and the git service hold one. */
public interface ObjectStore extends AutoCloseable {

    void put(String key, byte[] content) throws IOException;

    void put(String key, Path file) throws IOException;

    /** Opens an object; the caller closes the stream. Throws {@link java.io.FileNotFoundException} if absent. */
    InputStream get(String key) throws IOException;

    boolean exists(String key) throws IOException;

    void delete(String key) throws IOException;

    @Override
    void close();
}
