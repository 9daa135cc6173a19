package dev.airlock.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Maps paths between the host workspace and its fixed mount point {@code /workspace} inside the sandbox. */
final class WorkspacePaths {
    static final String MOUNT = "/workspace";

    private WorkspacePaths() {
    }

    /** Rejects absolute paths, {@code ..}, empty segments and control characters in a workspace-relative path. */
    static String checkRelative(String rel) {
        if (rel == null || rel.isEmpty() || rel.startsWith("/") || rel.length() > 4096) {
            throw new IllegalArgumentException("protected path must be relative to the workspace: " + rel);
        }
        for (String seg : rel.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new IllegalArgumentException("protected path may not contain empty, '.' or '..' segments: " + rel);
            }
        }
        for (int i = 0; i < rel.length(); i++) {
            if (Character.isISOControl(rel.charAt(i))) {
                throw new IllegalArgumentException("protected path may not contain control characters");
            }
        }
        return rel;
    }

    /**
     * Verifies that no component of {@code rel} below {@code workspace} is a symlink, so a repository cannot turn a
     * protected-path bind mount into a mount of some host directory.
     */
    static void checkNoSymlinks(Path workspace, String rel) throws IOException {
        Path p = workspace;
        for (String seg : rel.split("/")) {
            p = p.resolve(seg);
            if (Files.isSymbolicLink(p)) {
                throw new IOException("protected path " + rel + " goes through a symlink (" + workspace.relativize(p)
                        + "); refusing to mount over it");
            }
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
        }
    }

    /** A path as the sandbox sees it: relative paths are taken relative to {@code /workspace}. */
    static String inside(String path) {
        if (path == null || path.isEmpty() || path.indexOf(0) >= 0) {
            throw new IllegalArgumentException("path must be non-empty and free of NUL");
        }
        return path.startsWith("/") ? path : MOUNT + "/" + path;
    }
}
