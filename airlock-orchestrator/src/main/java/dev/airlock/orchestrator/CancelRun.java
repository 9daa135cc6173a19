package dev.airlock.orchestrator;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Cancels a run ({@code airlock cancel}): moves it to {@code cancelled} with the reason, then kills its recorded role
 * processes. The state goes first, so the orchestrator driving the run (if alive) fails its next compare-and-set
 * and stops without pushing. A run that is publishing cannot be cancelled: its push is one atomic ref update which
 * either happened or did not, and cutting it short would only hide which. Single use.
 */
public final class CancelRun {
    private static final int MAX_RACES = 8;
    private final RunStore store;
    private String run;
    private String reason = "cancelled by the operator";
    private boolean used;

    public CancelRun(RunStore store) {
        this.store = Objects.requireNonNull(store);
    }

    public CancelRun run(String v) {
        run = Objects.requireNonNull(v);
        return this;
    }

    public CancelRun reason(String v) {
        reason = Objects.requireNonNull(v);
        return this;
    }

    /**
     * @return the state the run was cancelled in and the role processes that were killed
     * @throws IllegalStateException with the reason when the run cannot be cancelled
     */
    public Result call() throws SQLException {
        if (used) {
            throw new IllegalStateException("CancelRun is single use");
        }
        used = true;
        for (int attempt = 0; attempt < MAX_RACES; attempt++) {
            RunRecord r = store.get(run).orElseThrow(() -> new IllegalStateException("no run " + run + " (see 'airlock runs')"));
            if (r.state().terminal()) {
                throw new IllegalStateException("run " + run + " is already " + r.state().label());
            }
            if (r.state() == RunState.PUBLISHING) {
                throw new IllegalStateException("run " + run + " is publishing: its push is a single atomic update that "
                        + "cannot be stopped half-way; wait for it to finish (or, if its orchestrator died, 'airlock "
                        + "resume " + run + "')");
            }
            try {
                store.transition(run, r.state(), RunState.CANCELLED, reason);
            } catch (IllegalTransitionException raced) {
                continue; // the run moved on between reading and cancelling: look again
            }
            return new Result(r.state(), new RoleProcesses(store, run).killAll());
        }
        throw new IllegalStateException("run " + run + " kept changing state; try again");
    }

    public record Result(RunState cancelledIn, List<RoleProcess> killed) {
    }
}
