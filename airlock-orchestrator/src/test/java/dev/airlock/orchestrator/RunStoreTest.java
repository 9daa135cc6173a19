package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    @TempDir
    Path dir;

    @Test
    void runsMoveForwardAndSurviveReopening() throws Exception {
        try (RunStore store = RunStore.open(dir)) {
            RunRecord r = store.create("run-1", "/repo", "main", "cmd:true", "ab".repeat(32));
            assertThat(r.state()).isEqualTo(RunState.QUEUED);
            store.transition("run-1", RunState.QUEUED, RunState.EXPORTING, null);
            store.record("run-1", RunStore.Field.BASE_COMMIT, "c0ffee");
            store.event("run-1", RunState.EXPORTING, "phase", 42L, "commit c0ffee");
            store.transition("run-1", RunState.EXPORTING, RunState.FAILED, "export failed: no such ref");
        }
        // Reopening migrates nothing twice and finds everything.
        try (RunStore store = RunStore.open(dir)) {
            RunRecord r = store.get("run-1").orElseThrow();
            assertThat(r.state()).isEqualTo(RunState.FAILED);
            assertThat(r.reason()).isEqualTo("export failed: no such ref");
            assertThat(r.baseCommit()).isEqualTo("c0ffee");
            assertThat(store.events("run-1")).extracting(RunEvent::kind, RunEvent::millis)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("state", null),
                            org.assertj.core.groups.Tuple.tuple("state", null),
                            org.assertj.core.groups.Tuple.tuple("phase", 42L),
                            org.assertj.core.groups.Tuple.tuple("state", null));
            assertThat(store.list(10)).extracting(RunRecord::id).containsExactly("run-1");
        }
    }

    @Test
    void forbiddenAndRacedTransitionsFail() throws Exception {
        try (RunStore store = RunStore.open(dir)) {
            store.create("run-2", "/repo", "main", "cmd:true", "ab".repeat(32));
            assertThatThrownBy(() -> store.transition("run-2", RunState.QUEUED, RunState.PUBLISHING, null))
                    .isInstanceOf(IllegalTransitionException.class);
            store.transition("run-2", RunState.QUEUED, RunState.EXPORTING, null);
            // A replayed transition from a state the row has left does not overwrite the newer state.
            assertThatThrownBy(() -> store.transition("run-2", RunState.QUEUED, RunState.EXPORTING, null))
                    .isInstanceOf(IllegalTransitionException.class);
            store.transition("run-2", RunState.EXPORTING, RunState.CANCELLED, "by user");
            assertThatThrownBy(() -> store.transition("run-2", RunState.CANCELLED, RunState.FAILED, null))
                    .isInstanceOf(IllegalTransitionException.class);
            assertThat(store.get("run-2").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        }
    }

    @Test
    void stateMachineOnlyMovesForwardOrToATerminal() {
        assertThat(RunState.QUEUED.allows(RunState.EXPORTING)).isTrue();
        assertThat(RunState.EXPORTING.allows(RunState.CODING)).isTrue();
        assertThat(RunState.CODING.allows(RunState.PUBLISHING)).isTrue();
        assertThat(RunState.PUBLISHING.allows(RunState.DONE)).isTrue();
        assertThat(RunState.CODING.allows(RunState.EXPORTING)).isFalse();
        assertThat(RunState.EXPORTING.allows(RunState.DONE)).isFalse();
        for (RunState terminal : new RunState[] {RunState.FAILED, RunState.CANCELLED}) {
            for (RunState next : RunState.values()) {
                assertThat(terminal.allows(next)).isFalse();
            }
        }
        // done (branch pushed) only ever gains the pull request that presents it.
        for (RunState next : RunState.values()) {
            assertThat(RunState.DONE.allows(next)).isEqualTo(next == RunState.PR_OPENED);
        }
        // The one loop: an open pull request may be revised, and a revision returns to it (or ends the run).
        for (RunState next : RunState.values()) {
            assertThat(RunState.PR_OPENED.allows(next)).as("pr-opened → " + next)
                    .isEqualTo(next == RunState.REVISING || next == RunState.CANCELLED);
            assertThat(RunState.REVISING.allows(next)).as("revising → " + next)
                    .isEqualTo(next == RunState.PR_OPENED || next == RunState.FAILED || next == RunState.CANCELLED);
        }
        assertThat(RunState.PR_OPENED.label()).isEqualTo("pr-opened");
        assertThat(RunState.REVISING.label()).isEqualTo("revising");
    }

    @Test
    void onlyTheOwnerMovesARunAndAClaimIsCompareAndSet() throws Exception {
        RunOwner me = RunOwner.current();
        RunOwner gone = deadProcess();
        assertThat(me.alive()).isTrue();
        assertThat(gone.alive()).isFalse();
        assertThat(RunOwner.parse(me.toString())).isEqualTo(me);
        try (RunStore store = RunStore.open(dir)) {
            store.create("run-3", "/repo", "main", "cmd:true", "ab".repeat(32));
            assertThat(store.claim("run-3", null, gone)).isTrue();
            // A second claim on the same previous owner loses: two resumes never both drive one run.
            assertThat(store.claim("run-3", null, me)).isFalse();
            store.transition("run-3", gone, RunState.QUEUED, RunState.EXPORTING, null);
            assertThatThrownBy(() -> store.transition("run-3", me, RunState.EXPORTING, RunState.CODING, null))
                    .isInstanceOf(IllegalTransitionException.class);
            assertThat(store.orphaned()).extracting(RunRecord::id).containsExactly("run-3");
            assertThat(store.claim("run-3", gone, me)).isTrue();
            assertThat(store.claim("run-3", gone, me)).isFalse();
            assertThat(store.orphaned()).isEmpty();
            // The previous owner, were it still running, can no longer move the run.
            assertThatThrownBy(() -> store.transition("run-3", gone, RunState.EXPORTING, RunState.CODING, null))
                    .isInstanceOf(IllegalTransitionException.class);
            store.transition("run-3", me, RunState.EXPORTING, RunState.CODING, null);
            store.record("run-3", RunStore.Field.COMMIT_TIME, "1700000000");
            RunRecord r = store.get("run-3").orElseThrow();
            assertThat(r.owner()).isEqualTo(me.toString());
            assertThat(r.commitTime()).isEqualTo(1_700_000_000L);
            // A finished run is never claimed again.
            store.transition("run-3", me, RunState.CODING, RunState.FAILED, "agent failed");
            assertThat(store.claim("run-3", me, gone)).isFalse();
        }
    }

    @Test
    void cancelKillsTheRecordedRoleProcessesAndStopsTheOwner() throws Exception {
        RunOwner me = RunOwner.current();
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        Process reused = new ProcessBuilder("sleep", "300").start();
        try (RunStore store = RunStore.open(dir)) {
            store.create("run-4", "/repo", "main", "cmd:true", "ab".repeat(32));
            store.claim("run-4", null, me);
            store.transition("run-4", me, RunState.QUEUED, RunState.EXPORTING, null);
            store.transition("run-4", me, RunState.EXPORTING, RunState.CODING, null);
            RoleProcesses roles = new RoleProcesses(store, "run-4");
            roles.track(Role.AGENT, sleeper.toHandle());
            // A recorded pid whose start time does not match is another process: never killed.
            RoleProcess live = RoleProcess.of(Role.GIT, reused.toHandle()).orElseThrow();
            store.addProcess("run-4", Role.GIT, new RoleProcess(Role.GIT, live.pid(), live.startedMillis() - 10_000));
            CancelRun.Result r = new CancelRun(store).run("run-4").reason("by test").call();
            assertThat(r.cancelledIn()).isEqualTo(RunState.CODING);
            assertThat(r.killed()).extracting(RoleProcess::role).containsExactly(Role.AGENT);
            assertThat(sleeper.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(reused.isAlive()).isTrue();
            assertThat(store.processes("run-4")).isEmpty();
            assertThat(store.get("run-4").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
            assertThatThrownBy(() -> store.transition("run-4", me, RunState.CODING, RunState.FAILED, "agent died"))
                    .isInstanceOf(IllegalTransitionException.class);
            assertThatThrownBy(() -> new CancelRun(store).run("run-4").call())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already cancelled");

            store.create("run-5", "/repo", "main", "cmd:true", "ab".repeat(32));
            store.transition("run-5", RunState.QUEUED, RunState.EXPORTING, null);
            store.transition("run-5", RunState.EXPORTING, RunState.CODING, null);
            store.transition("run-5", RunState.CODING, RunState.PUBLISHING, null);
            assertThatThrownBy(() -> new CancelRun(store).run("run-5").call())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be stopped half-way");
            assertThat(store.get("run-5").orElseThrow().state()).isEqualTo(RunState.PUBLISHING);
        } finally {
            sleeper.destroyForcibly();
            reused.destroyForcibly();
        }
    }

    private static RunOwner deadProcess() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        ProcessHandle h = p.toHandle();
        long started = h.info().startInstant().orElseThrow().toEpochMilli();
        p.destroyForcibly().waitFor();
        return new RunOwner(h.pid(), started);
    }
}
