package dev.airlock.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ServeCommandTest {
    @Test
    void refusesToStartWithoutAWebhookSecret() {
        StringWriter err = new StringWriter();
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            code = Main.commandLine().setErr(new PrintWriter(err)).execute("serve", "--listen", "127.0.0.1:0",
                    "--webhook-secret-env", "AIRLOCK_TEST_SECRET_THAT_IS_NEVER_SET", "--repo", "octo/widgets=/tmp/x",
                    "--agent", "cmd:true");
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(2);
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("$AIRLOCK_TEST_SECRET_THAT_IS_NEVER_SET is not set", "refusing");
    }
}
