package dev.airlock.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentSpecTest {
    @Test
    void parsesScriptAndCmd() {
        assertThat(AgentSpec.parse("script:/tmp/fix.sh")).isEqualTo(new AgentSpec.Script(Path.of("/tmp/fix.sh")));
        assertThat(AgentSpec.parse("cmd:make test")).isEqualTo(new AgentSpec.Cmd("make test"));
    }

    @Test
    void refusesUnknownOrEmptyAgents() {
        assertThatThrownBy(() -> AgentSpec.parse("claude")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("script:FILE or cmd:COMMAND");
        assertThatThrownBy(() -> AgentSpec.parse("script:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgentSpec.parse("cmd:  ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgentSpec.parse("cmd:a\0b")).isInstanceOf(IllegalArgumentException.class);
    }
}
