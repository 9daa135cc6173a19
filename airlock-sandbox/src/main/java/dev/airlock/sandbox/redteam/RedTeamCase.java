package dev.airlock.sandbox.redteam;

/**
 * One attack. {@code expectsDenial} marks cases whose refusal the sandbox can observe and must report as a denial
 * event (see the module's SECURITY.md for what is and is not observable).
 */
public record RedTeamCase(char cls, String name, boolean expectsDenial, Probe probe) {

    /** Runs the attack and says whether it was blocked. */
    @FunctionalInterface
    public interface Probe {
        Verdict attack(RedTeamContext ctx) throws Exception;
    }

    /**
     * The attack's outcome: {@code blocked} false is an escape. {@code belowSandbox} says the host kernel itself
     * refused the operation before any sandbox layer could see it (a host process outside the sandbox is refused
     * the same way), so there is no denial for the sandbox to report.
     */
    public record Verdict(boolean blocked, boolean denialSeen, boolean belowSandbox, String detail) {
        public Verdict(boolean blocked, boolean denialSeen, String detail) {
            this(blocked, denialSeen, false, detail);
        }

        static Verdict blocked(String detail) {
            return new Verdict(true, false, detail);
        }

        static Verdict escaped(String detail) {
            return new Verdict(false, false, detail);
        }
    }
}
