package dev.airlock.scan.rules;

/**
 * The ways a credential appears in files and requests. {@link #embed} writes a small but realistic document in
 * which {@code name} is assigned {@code value}, escaping the value as the syntax requires.
 */
enum Syntax {
    JSON {
        @Override
        String embed(String name, String value) {
            return "{\n  \"service\": \"billing\",\n  \"" + name + "\": \"" + json(value) + "\",\n  \"retries\": 3\n}\n";
        }
    },
    YAML {
        @Override
        String embed(String name, String value) {
            if (value.contains("\n")) {
                return "service:\n  retries: 3\n  " + name + ": |\n    " + value.replace("\n", "\n    ") + "\n";
            }
            return "service:\n  retries: 3\n  " + name + ": " + value + "\n";
        }
    },
    DOTENV {
        @Override
        String embed(String name, String value) {
            if (value.contains("\n") || value.contains(" ")) {
                String quote = value.contains("\"") ? "'" : "\"";
                return "NODE_ENV=production\n" + name + "=" + quote + value + quote + "\nPORT=8080\n";
            }
            return "NODE_ENV=production\n" + name + "=" + value + "\nPORT=8080\n";
        }
    },
    JAVA {
        @Override
        String embed(String name, String value) {
            if (value.contains("\n")) {
                return "final class Settings {\n    static final String " + name + " = \"\"\"\n        "
                        + value.replace("\\", "\\\\").replace("\n", "\n        ") + "\"\"\";\n}\n";
            }
            return "final class Settings {\n    static final String " + name + " = \"" + java(value) + "\";\n}\n";
        }
    },
    PYTHON {
        @Override
        String embed(String name, String value) {
            if (value.contains("\n")) {
                return "import os\n\n" + name + " = \"\"\"" + value + "\"\"\"\n";
            }
            return "import os\n\n" + name + " = " + quoteAvoiding(value) + "\nclient = Client(" + name + ")\n";
        }
    },
    JAVASCRIPT {
        @Override
        String embed(String name, String value) {
            if (value.contains("\n")) {
                return "const " + name + " = `" + value + "`;\nmodule.exports = { " + name + " };\n";
            }
            return "const " + name + " = " + quoteAvoiding(value) + ";\nmodule.exports = { " + name + " };\n";
        }
    },
    SHELL {
        @Override
        String embed(String name, String value) {
            return "#!/bin/sh\nset -eu\nexport " + name + "='" + value.replace("'", "'\\''") + "'\n./deploy.sh\n";
        }
    },
    XML {
        @Override
        String embed(String name, String value) {
            return "<?xml version=\"1.0\"?>\n<settings>\n  <" + name + ">" + value.replace("&", "&amp;")
                    .replace("<", "&lt;").replace(">", "&gt;") + "</" + name + ">\n</settings>\n";
        }
    },
    HTTP_HEADER {
        @Override
        String embed(String name, String value) {
            String header = name.equalsIgnoreCase("authorization") ? "Authorization" : "X-" + name.replace('_', '-');
            return "POST /v1/jobs HTTP/1.1\r\nHost: api.internal\r\n" + header + ": " + value.replace("\r", "")
                    .replace("\n", "\\n") + "\r\nContent-Length: 0\r\n\r\n";
        }
    },
    URL {
        @Override
        String embed(String name, String value) {
            return "curl 'https://api.internal/v1/export?format=csv&" + name.toLowerCase(java.util.Locale.ROOT) + "="
                    + value + "&page=2'\n";
        }
    },
    /** An Anthropic Messages API request whose user message carries a whole .env file, JSON-escaped. */
    LLM_REQUEST {
        @Override
        String embed(String name, String value) {
            String file = DOTENV.embed(name, value);
            return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":"
                    + "[{\"type\":\"text\",\"text\":\"Why does the deploy fail with this .env?\\n\\n" + json(file)
                    + "\"}]}]}";
        }
    };

    abstract String embed(String name, String value);

    static String json(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    static String java(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Python and JavaScript: pick the quote the value does not contain, as people do. */
    static String quoteAvoiding(String value) {
        return value.contains("\"") ? "'" + value + "'" : "\"" + value + "\"";
    }
}
