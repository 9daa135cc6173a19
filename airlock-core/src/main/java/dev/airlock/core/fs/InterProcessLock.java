package dev.airlock.core.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a lock file, held across processes (an OS file lock, released by the kernel when the holder
 * dies, so a killed process never leaves it taken) and across threads of this JVM (the OS lock is per process, so a
 * second holder in the same JVM waits on a per-path lock first). For first-use initialisation shared by several
 * {@code airlock} processes on one data directory: creating a CA, migrating a database, updating a git cache.
 */
public final class InterProcessLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();
    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private InterProcessLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /** Blocks until {@code file} (created if absent, mode per umask, never read) is locked by this thread. */
    public static InterProcessLock acquire(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        ReentrantLock local = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new InterProcessLock(local, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
