package dev.med42.spring.autoconfigure.server;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code GET /v1/models}: the one model served, as OpenAI lists models. */
@RestController
final class ModelsController {
    private final ServedModel served;

    ModelsController(ServedModel served) {
        this.served = served;
    }

    record ModelList(String object, List<Model> data) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Model(String id, String object, long created, String ownedBy) {}

    @GetMapping("/v1/models")
    ModelList models() {
        ServedModel.Ready model = served.ready();
        return new ModelList("list", List.of(new Model(model.name(), "model", model.created(), "med42")));
    }
}
