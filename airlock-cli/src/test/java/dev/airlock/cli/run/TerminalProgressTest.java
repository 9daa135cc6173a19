package dev.airlock.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.orchestrator.RunState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong();

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePhaseInFlightTicksInPlaceAndFinishedPhasesStayAsPlainLines() {
        TerminalProgress p = new TerminalProgress(out, now::get, null);
        p.tick();
        assertThat(printed()).as("nothing in flight, nothing drawn").isEmpty();

        p.phaseStarted("r-1", RunState.EXPORTING);
        now.addAndGet(Duration.ofMillis(1500).toNanos());
        p.tick();
        assertThat(printed()).isEqualTo("\r\033[Kexporting    run r-1 … 0.0 s\r\033[Kexporting    run r-1 … 1.5 s");

        p.phaseFinished("r-1", RunState.EXPORTING, Duration.ofMillis(1600), "commit abc");
        int afterFinish = printed().length();
        p.tick();
        assertThat(printed()).hasSize(afterFinish).endsWith("\r\033[Kexporting    done in 1.6 s: commit abc"
                + System.lineSeparator());

        p.phaseStarted("r-1", RunState.CODING);
        p.close();
        assertThat(printed()).endsWith("coding       run r-1 … 0.0 s" + System.lineSeparator());
        int afterClose = printed().length();
        p.tick();
        assertThat(printed()).as("closed: the line in flight was ended, nothing more is drawn").hasSize(afterClose);
    }
}
