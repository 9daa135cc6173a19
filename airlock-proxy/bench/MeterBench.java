import dev.airlock.core.SessionId;
import dev.airlock.proxy.ResponseObserver;
import dev.airlock.proxy.budget.TokenBudgetInterceptor;
import dev.airlock.proxy.budget.TokenLedger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Token meter throughput: an Anthropic-style SSE stream (message_start, many content_block_delta events, cumulative
 * message_delta usage) fed in 8 KiB chunks through the guard's meter, against a baseline observer that only touches
 * every byte. Run with bench/meter.sh.
 */
public final class MeterBench {
    public static void main(String[] args) {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        StringBuilder sb = new StringBuilder();
        sb.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":300,\"output_tokens\":1}}}\n\n");
        int deltas = 0;
        while (sb.length() < mib * (1 << 20)) {
            sb.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"")
                    .append("some generated code text ").append(deltas).append("\"}}\n\n");
            if (++deltas % 50 == 0) {
                sb.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":").append(deltas).append("}}\n\n");
            }
        }
        byte[] stream = sb.toString().getBytes(StandardCharsets.UTF_8);
        ResponseObserver baseline = new ResponseObserver() {
            long sum;
            public void head(int s, String t, String e) { }
            public void body(ByteBuffer b) { while (b.hasRemaining()) { sum += b.get(); } }
            public void end() { if (sum == 42) { System.out.print(""); } }
        };
        TokenLedger ledger = new TokenLedger(0);
        ResponseObserver meter = new TokenBudgetInterceptor(ledger, Set.of("api.anthropic.com"))
                .observe(new SessionId("bench"), "api.anthropic.com");
        double[] base = new double[7];
        double[] metered = new double[7];
        for (int round = -2; round < 7; round++) {   // two warm-up rounds
            double b = run(baseline, stream);
            double m = run(meter, stream);
            if (round >= 0) {
                base[round] = b;
                metered[round] = m;
            }
        }
        Arrays.sort(base);
        Arrays.sort(metered);
        System.out.printf("stream %d MiB, %d events; baseline (touch every byte) median %.0f MB/s; meter median %.0f MB/s; "
                        + "meter/baseline %.2f; tokens counted %s%n", mib, deltas, base[3], metered[3], metered[3] / base[3],
                ledger.usage(new SessionId("bench")));
    }

    private static double run(ResponseObserver o, byte[] stream) {
        long t0 = System.nanoTime();
        o.head(200, "text/event-stream", null);
        for (int i = 0; i < stream.length; i += 8192) {
            o.body(ByteBuffer.wrap(stream, i, Math.min(8192, stream.length - i)));
        }
        o.end();
        return stream.length / 1e6 / ((System.nanoTime() - t0) / 1e9);
    }
}
