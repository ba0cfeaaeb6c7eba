package dev.cinnabar.server.config;

/**
 * Checks a {@code proc-title-template} the way Redis does: every {@code {variable}} must be
 * known, {@code {{} is a literal brace, and the expansion must not be blank. A JVM cannot set its
 * process title, so the template is only checked, never used.
 */
final class ProcTitleTemplate {
    private ProcTitleTemplate() {
    }

    static boolean isValid(String template) {
        StringBuilder out = new StringBuilder();
        int p = 0;
        while (p < template.length()) {
            int open = template.indexOf('{', p);
            if (open < 0) {
                out.append(template, p, template.length());
                break;
            }
            out.append(template, p, open);
            int sv = open + 1;
            if (sv >= template.length()) {
                return false;
            }
            if (template.charAt(sv) == '{') {
                out.append('{');
                p = sv + 1;
                continue;
            }
            int close = template.indexOf('}', sv);
            if (close < 0) {
                return false;
            }
            String value = sampleValue(template.substring(sv, close));
            if (value == null) {
                return false;
            }
            out.append(value);
            p = close + 1;
        }
        return !out.toString().replace(" ", "").isEmpty();
    }

    /** What each variable expands to while validating: the title is empty then, as in Redis. */
    private static String sampleValue(String name) {
        switch (name) {
            case "title":
            case "server-mode":
            case "unixsocket":
                return "";
            case "listen-addr":
                return "*:6379";
            case "config-file":
                return "-";
            case "port":
            case "tls-port":
                return "0";
            default:
                return null;
        }
    }
}
