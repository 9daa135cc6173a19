package dev.airlock.cli.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands the command line's paths into the files to scan, and records what it skipped and why: {@code .git}
 * directories, binary files (a NUL byte in the first 8 KiB, as git decides), symlinks (not followed, so a scan
 * never leaves the tree it was pointed at) and anything that is not a regular file.
 */
final class ScanTargets {
    static final int SNIFF = 8192;

    record Skipped(String path, String reason) {
    }

    private final List<Path> files = new ArrayList<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    static ScanTargets expand(List<String> args) {
        ScanTargets t = new ScanTargets();
        for (String arg : args) {
            Path p = Path.of(arg);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                t.errors.add(arg + ": no such file or directory");
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                t.walk(p);
            } else {
                t.consider(p);
            }
        }
        return t;
    }

    private void walk(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && dir.getFileName().toString().equals(".git")) {
                        skipped.add(new Skipped(dir.toString(), "git metadata"));
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    consider(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    errors.add(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            errors.add(root + ": cannot walk (" + e.getMessage() + ")");
        }
    }

    private void consider(Path file) {
        if (Files.isSymbolicLink(file)) {
            skipped.add(new Skipped(file.toString(), "symbolic link"));
        } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            skipped.add(new Skipped(file.toString(), "not a regular file"));
        } else if (isBinary(file)) {
            skipped.add(new Skipped(file.toString(), "binary"));
        } else {
            files.add(file);
        }
    }

    private boolean isBinary(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(SNIFF);
            for (byte b : head) {
                if (b == 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            errors.add(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
            return true;
        }
    }

    List<Path> files() {
        return files;
    }

    List<Skipped> skipped() {
        return skipped;
    }

    List<String> errors() {
        return errors;
    }
}
