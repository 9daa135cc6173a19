package dev.airlock.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyLoaderTest {
    private final PolicyLoader loader = new PolicyLoader(SecretSource.of(Map.of("KEY", "sk-real-value-123456", "TOK", "token-0123456789abcdef")));

    private PolicyLoader.Loaded parse(String json) {
        return loader.parse(json.getBytes(StandardCharsets.UTF_8), "test");
    }

    @Test
    void defaultsAreSafe() {
        GuardPolicy p = parse("{}").defaults();
        assertThat(p.allow()).isEmpty();
        assertThat(p.ports()).containsExactlyInAnyOrder(80, 443);
        assertThat(p.failMode()).isEqualTo(FailMode.CLOSED);
        assertThat(p.generic()).isEqualTo(GenericAction.LOG);
        assertThat(p.webSockets().allow()).isEmpty();
        assertThat(p.testOnlyAllowLoopbackUpstream()).isFalse();
        assertThat(p.deny().stream().map(Object::toString)).contains("pastebin.com", "transfer.sh", "0x0.st", "termbin.com");
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void everythingUnknownOrInvalidIsAnError() {
        assertThatThrownBy(() -> parse("{\"alow\": []}")).isInstanceOf(PolicyException.class).hasMessageContaining("alow");
        assertThatThrownBy(() -> parse("{\"allow\": [\"git*.com\"]}")).isInstanceOf(PolicyException.class).hasMessageContaining("allow");
        assertThatThrownBy(() -> parse("{\"failMode\": \"maybe\"}")).isInstanceOf(PolicyException.class).hasMessageContaining("failMode");
        assertThatThrownBy(() -> parse("{\"ports\": [70000]}")).isInstanceOf(PolicyException.class);
        assertThatThrownBy(() -> parse("{\"knownSecrets\": {\"x\": \"env:MISSING\"}}"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("env:MISSING");
        assertThatThrownBy(() -> parse("{\"knownSecrets\": {\"x\": \"sk-literal-value\"}}"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("env: or file:");
        assertThatThrownBy(() -> parse("not json")).isInstanceOf(PolicyException.class);
    }

    @Test
    void credentialsBecomeKnownSecretsAndSessionsGetTheirOwnAllowlist() {
        var loaded = parse("""
                {"allow": ["api.anthropic.com"], "failMode": "open",
                 "credentials": [{"host": "api.anthropic.com", "header": "X-Api-Key",
                                  "placeholder": "airlock-placeholder-anthropic", "secretSource": "env:KEY"}],
                 "sessions": [{"id": "s-1", "tokenSource": "env:TOK", "allow": ["*.github.com"]}]}
                """);
        GuardPolicy p = loaded.defaults();
        assertThat(p.credentials().getFirst().header()).isEqualTo("x-api-key");
        assertThat(p.knownSecrets()).containsEntry("credential.api.anthropic.com.x-api-key", "sk-real-value-123456");
        assertThat(p.warnings()).anyMatch(w -> w.contains("failMode = open"));
        assertThat(p.credentials().getFirst().toString()).doesNotContain("sk-real-value-123456");
        assertThat(loaded.sessions()).hasSize(1);
        assertThat(loaded.sessions().getFirst().policy().allow().getFirst().toString()).isEqualTo("*.github.com");
    }

    @Test
    void testOnlyResolveMapsNamesToLoopbackOnlyAndResolvesNothingElse() throws Exception {
        assertThat(parse("{}").testOnlyUpstream()).isNull();
        TestOnlyUpstream t = parse("""
                {"testOnlyAllowLoopbackUpstream": true, "testOnlyResolve": {"API.Anthropic.com": "127.0.0.1"}}
                """).testOnlyUpstream();
        assertThat(t.resolver().resolve(HostName.parse("api.anthropic.com")))
                .containsExactly(java.net.InetAddress.getByName("127.0.0.1"));
        assertThatThrownBy(() -> t.resolver().resolve(HostName.parse("api.openai.com")))
                .isInstanceOf(java.net.UnknownHostException.class).hasMessageContaining("testOnlyResolve");
        assertThat(t.warning()).contains("never use outside tests");

        assertThatThrownBy(() -> parse("{\"testOnlyResolve\": {\"a.test\": \"127.0.0.1\"}}"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("testOnlyAllowLoopbackUpstream");
        assertThatThrownBy(() -> parse("{\"testOnlyAllowLoopbackUpstream\": true, \"testOnlyResolve\": {\"a.test\": \"10.0.0.1\"}}"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> parse("{\"testOnlyAllowLoopbackUpstream\": true, \"testOnlyResolve\": {\"a.test\": \"localhost\"}}"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("IP address literal");
        assertThatThrownBy(() -> parse("{\"testOnlyAllowLoopbackUpstream\": true, \"testOnlyResolve\": {\"*.test\": \"127.0.0.1\"}}"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("exact host name");
        assertThatThrownBy(() -> parse("{\"testOnlyAllowLoopbackUpstream\": true, \"testOnlyUpstreamTrust\": \"ca.pem\"}"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("absolute path");
    }
}
