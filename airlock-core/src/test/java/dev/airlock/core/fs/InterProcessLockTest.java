package dev.airlock.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterProcessLockTest {
    @TempDir
    Path dir;

    /** The OS lock is per process, so threads of one JVM must also exclude each other (not throw, not share it). */
    @Test
    void aSecondHolderInTheSameJvmWaitsForTheFirst() throws Exception {
        Path file = dir.resolve("x.lock");
        CountDownLatch secondTried = new CountDownLatch(1);
        CompletableFuture<Void> second;
        try (InterProcessLock first = InterProcessLock.acquire(file)) {
            second = CompletableFuture.runAsync(() -> {
                secondTried.countDown();
                try (InterProcessLock again = InterProcessLock.acquire(dir.resolve(".").resolve("x.lock"))) {
                    // held: nothing to do
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(secondTried.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200);
            assertThat(second).as("acquired while the first holder held the lock").isNotDone();
        }
        second.get(30, TimeUnit.SECONDS);
        // Released for good: taken again at once.
        try (InterProcessLock third = InterProcessLock.acquire(file)) {
            assertThat(third).isNotNull();
        }
    }
}
