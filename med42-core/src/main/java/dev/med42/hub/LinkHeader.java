package dev.med42.hub;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code rel="next"} target of an RFC 8288 {@code Link} header, which is how the Hub pages long listings:
 * {@code Link: <https://huggingface.co/api/models/x/tree/main?cursor=…>; rel="next"}.
 */
final class LinkHeader {
    /** {@code <target>} followed by its {@code ; name=value} parameters, up to the next link. */
    private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]*)*)");

    private static final Pattern REL = Pattern.compile("(?i)\\brel\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;,]+))");

    private LinkHeader() {}

    /** The next page, resolved against {@code current} (the target may be relative). */
    static Optional<URI> next(HttpHeaders headers, URI current) {
        for (String value : headers.allValues("Link")) {
            Matcher link = LINK.matcher(value);
            while (link.find()) {
                Matcher rel = REL.matcher(link.group(2));
                if (rel.find()) {
                    String relations = rel.group(1) != null ? rel.group(1) : rel.group(2);
                    for (String relation : relations.strip().split("\\s+")) {
                        if (relation.toLowerCase(Locale.ROOT).equals("next")) {
                            return Optional.of(
                                    HubHttp.resolve(current, link.group(1).strip()));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
