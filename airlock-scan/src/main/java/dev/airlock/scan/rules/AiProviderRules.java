package dev.airlock.scan.rules;

import dev.airlock.scan.Rule;
import dev.airlock.scan.validate.CharacterMix;
import java.util.List;

/** LLM and model-hosting providers — the keys an agent is most likely to see and most tempted to send. */
final class AiProviderRules {
    private AiProviderRules() {
    }

    static List<Rule> all() {
        Fake f = new Fake("ai");
        return List.of(
                Rule.builder("anthropic-api-key")
                        .description("Anthropic API key")
                        .keywords("sk-ant-api03-")
                        .regex("\\b(sk-ant-api03-[A-Za-z0-9_-]{93}AA)(?:[^A-Za-z0-9_-]|\\z)")
                        .secretGroup(1)
                        .minEntropy(4.0)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(112)
                        .example("ANTHROPIC_API_KEY=sk-ant-api03-" + f.urlsafe(93) + "AA\n")
                        .example("x-api-key: sk-ant-api03-" + f.urlsafe(93) + "AA\r\n")
                        .negative("sk-ant-api03-" + f.urlsafe(93) + "AB\n")
                        .negative("sk-ant-api03-" + f.urlsafe(60) + "AA\n")
                        .negative("sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA\n")
                        .build(),
                Rule.builder("anthropic-admin-key")
                        .description("Anthropic Admin API key")
                        .keywords("sk-ant-admin01-")
                        .regex("\\b(sk-ant-admin01-[A-Za-z0-9_-]{93}AA)(?:[^A-Za-z0-9_-]|\\z)")
                        .secretGroup(1)
                        .minEntropy(4.0)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(114)
                        .example("admin_key = \"sk-ant-admin01-" + f.urlsafe(93) + "AA\"")
                        .negative("sk-ant-admin01-" + f.urlsafe(80) + "AA\"")
                        .build(),
                Rule.builder("openai-api-key")
                        .description("OpenAI project, service-account or admin key (sk-proj-/sk-svcacct-/sk-admin-)")
                        .keywords("t3blbkfj")
                        .regex("\\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})"
                                + "(?:[^A-Za-z0-9_-]|\\z)")
                        .secretGroup(1)
                        .minEntropy(4.0)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(420)
                        .example("OPENAI_API_KEY=sk-proj-" + f.urlsafe(74) + "T3BlbkFJ" + f.urlsafe(74) + "\n")
                        .example("Authorization: Bearer sk-svcacct-" + f.urlsafe(74) + "T3BlbkFJ" + f.urlsafe(74) + "\r\n")
                        .example("key = 'sk-admin-" + f.urlsafe(58) + "T3BlbkFJ" + f.urlsafe(58) + "'")
                        .negative("sk-proj-" + f.urlsafe(74) + "T3BlbkFX" + f.urlsafe(74) + "\n")
                        .negative("sk-proj-" + f.urlsafe(10) + "T3BlbkFJ" + f.urlsafe(10) + "\n")
                        .build(),
                Rule.builder("openai-legacy-api-key")
                        .description("OpenAI legacy user API key (sk-…T3BlbkFJ…)")
                        .keywords("t3blbkfj")
                        .regex("\\b(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})\\b")
                        .secretGroup(1)
                        .minEntropy(3.5)
                        .maxLength(51)
                        .example("openai.api_key = \"sk-" + f.alnum(20) + "T3BlbkFJ" + f.alnum(20) + "\"")
                        .negative("sk-" + f.alnum(20) + "T3BlbkFj" + f.alnum(20))
                        .negative("sk-" + f.alnum(19) + "T3BlbkFJ" + f.alnum(20))
                        .build(),
                Rule.builder("huggingface-token")
                        .description("Hugging Face access token")
                        .keywords("hf_")
                        .regex("\\b(hf_[A-Za-z]{34})\\b")
                        .secretGroup(1)
                        .minEntropy(3.5)
                        .validator(CharacterMix.MIXED_CASE)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(37)
                        .example("HF_TOKEN=hf_" + f.of(Fake.UPPER + Fake.LOWER, 34))
                        .negative("hf_" + f.of(Fake.UPPER + Fake.LOWER, 30) + " ")
                        .negative("hf_" + f.of(Fake.LOWER, 34))
                        .build(),
                Rule.builder("groq-api-key")
                        .description("Groq API key")
                        .keywords("gsk_")
                        .regex("\\b(gsk_[A-Za-z0-9]{52})\\b")
                        .secretGroup(1)
                        .minEntropy(4.0)
                        .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(56)
                        .example("GROQ_API_KEY=gsk_" + f.alnum(52))
                        .negative("gsk_" + f.alnum(40))
                        .build(),
                Rule.builder("xai-api-key")
                        .description("xAI (Grok) API key")
                        .keywords("xai-")
                        .regex("\\b(xai-[A-Za-z0-9]{80})\\b")
                        .secretGroup(1)
                        .minEntropy(4.0)
                        .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(84)
                        .example("XAI_API_KEY=xai-" + f.alnum(80))
                        .negative("xai-" + f.alnum(60))
                        .build(),
                Rule.builder("openrouter-api-key")
                        .description("OpenRouter API key")
                        .keywords("sk-or-v1-")
                        .regex("\\b(sk-or-v1-[a-f0-9]{64})\\b")
                        .secretGroup(1)
                        .minEntropy(3.0)
                        .maxLength(73)
                        .example("OPENROUTER_API_KEY=sk-or-v1-" + f.hex(64))
                        .negative("sk-or-v1-" + f.hex(40))
                        .build(),
                Rule.builder("replicate-api-token")
                        .description("Replicate API token")
                        .keywords("r8_")
                        .regex("\\b(r8_[A-Za-z0-9]{37})\\b")
                        .secretGroup(1)
                        .minEntropy(3.5)
                        .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(40)
                        .example("REPLICATE_API_TOKEN=r8_" + f.alnum(37))
                        .negative("r8_" + f.alnum(20))
                        .build(),
                Rule.builder("perplexity-api-key")
                        .description("Perplexity API key")
                        .keywords("pplx-")
                        .regex("\\b(pplx-[A-Za-z0-9]{48})\\b")
                        .secretGroup(1)
                        .minEntropy(3.5)
                        .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(53)
                        .example("PPLX_API_KEY=pplx-" + f.alnum(48))
                        .negative("pplx-" + f.alnum(30))
                        .build());
    }
}
