package dev.med42.spring.autoconfigure.server;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Any other {@code /v1/...} request, or one with the wrong method: OpenAI's 404 "Invalid URL (METHOD PATH)", in its
 * error object, rather than Spring's error page.
 */
@RestController
final class UnknownRouteController {
    @RequestMapping("/v1/**")
    void unknown(HttpServletRequest request) {
        throw ApiException.notFound("Invalid URL (" + request.getMethod() + " " + request.getRequestURI() + ")");
    }
}
