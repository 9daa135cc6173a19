package dev.airlock.scan;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The one pass over a layer's bytes that finds everything the engine acts on afterwards: keyword occurrences
 * (which open rule windows), backslash and percent bytes (which may start a JSON or percent-encoded region) and
 * runs of base64-alphabet bytes (which may be a base64 blob). Everything else the engine does is bounded work
 * around these events.
 *
 * <p>Two implementations report the same events (property-tested in {@code PrefilterEquivalenceTest}):
 * {@link ScalarPrefilter}, the dense keyword DFA plus a byte-class loop, and {@link VectorPrefilter}, which
 * examines 64 bytes per step with {@code jdk.incubator.vector}. The vector one is used when the JVM was started
 * with {@code --add-modules jdk.incubator.vector}, has the C2 compiler and 512-bit vectors; otherwise (or with
 * {@code -Dairlock.scan.prefilter=scalar}) the scalar one.
 */
interface Prefilter {
    /**
     * Clears {@code out} and fills it for {@code data[from, len)}: every keyword occurrence starting in
     * {@code [from, len)} and ending by {@code len}; every {@code \} and {@code %} in {@code [from, len)}; every
     * maximal run of base64-alphabet bytes in {@code [from, len)} (a run reaching back before {@code from} starts
     * at {@code from}) that is at least {@link Base64Decoder#MIN_RUN} long or ends at {@code len - 2} or later.
     * Bytes in {@code [lower, from)} may be read as context; nothing before {@code lower} is.
     */
    void scan(byte[] data, int lower, int from, int len, LayerEvents out);

    /**
     * The number of line feeds in {@code data[from, to)}: line numbers of findings are counted over every byte
     * that leaves the stream's buffer, which costs a full pass unless done as fast as the prefilter's own.
     */
    int countLineFeeds(byte[] data, int from, int to);

    /** The fastest prefilter this JVM can run for these keywords. */
    static Prefilter best(List<String> keywords, KeywordAutomaton automaton) {
        String forced = System.getProperty("airlock.scan.prefilter", "");
        if (!forced.equals("scalar") && (forced.equals("vector") || vectorUsable())) {
            return new VectorPrefilter(new KeywordAnchors(keywords));
        }
        return new ScalarPrefilter(automaton);
    }

    private static boolean vectorUsable() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            // Without C2 (e.g. -XX:TieredStopAtLevel=1) vector operations are not intrinsified and run far slower.
            var vm = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) < 4
                    && Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue())) {
                return false;
            }
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
        return VectorPrefilter.supported();
    }
}
