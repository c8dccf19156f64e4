package dev.med42.spring.autoconfigure.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * With {@code med42.server.api-key} set, lets a request through only with {@code Authorization: Bearer KEY}, else
 * answers 401 with OpenAI's error. Compared in constant time, so that timing does not reveal the key.
 */
final class ApiKeyInterceptor implements HandlerInterceptor {
    private final byte[] expected;
    private final JsonMapper json;

    ApiKeyInterceptor(String apiKey, JsonMapper json) {
        this.expected = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        this.json = json;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        String given = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (given != null && MessageDigest.isEqual(expected, given.strip().getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        ApiException unauthorized = ApiException.unauthorized();
        response.setStatus(unauthorized.status().value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.setContentType("application/json");
        response.getOutputStream().write(json.writeValueAsBytes(unauthorized.body()));
        return false;
    }
}
