package dev.airlock.sandbox.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.sandbox.redteam.RedTeamCase.Verdict;
import org.junit.jupiter.api.Test;

/** How a verdict becomes pass/fail, for the case that is refused by the host kernel before the sandbox sees it. */
class RedTeamResultTest {
    private static final RedTeamCase EXPECTS_DENIAL = new RedTeamCase('C', "i386", true, ctx -> null);

    @Test
    void blockedByTheHostKernelPassesWithoutADenial() {
        RedTeamResult r = new RedTeamResult(EXPECTS_DENIAL, new Verdict(true, false, true, "signal 11"), null);
        assertThat(r.passed()).isTrue();
        assertThat(r.outcome()).isEqualTo("blocked by the host kernel");
    }

    @Test
    void anEscapeStaysAnEscapeWhateverTheKernel() {
        RedTeamResult r = new RedTeamResult(EXPECTS_DENIAL, new Verdict(false, false, true, "ran"), null);
        assertThat(r.passed()).isFalse();
        assertThat(r.outcome()).isEqualTo("ESCAPED");
    }

    @Test
    void anErrorFailsEvenWhenTheKernelRefused() {
        RedTeamResult r = new RedTeamResult(EXPECTS_DENIAL, new Verdict(true, false, true, "signal 11"), "probe failed");
        assertThat(r.passed()).isFalse();
        assertThat(r.outcome()).isEqualTo("ERROR");
    }

    @Test
    void withoutTheKernelRefusalAMissingDenialFails() {
        RedTeamResult r = new RedTeamResult(EXPECTS_DENIAL, new Verdict(true, false, "signal 31"), null);
        assertThat(r.passed()).isFalse();
        assertThat(r.outcome()).isEqualTo("BLOCKED, NO EVENT");
    }
}
