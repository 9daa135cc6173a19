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
}
