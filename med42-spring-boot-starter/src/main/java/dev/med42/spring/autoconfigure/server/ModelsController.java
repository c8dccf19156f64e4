package dev.med42.spring.autoconfigure.server;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code GET /v1/models}: the one model served, as OpenAI lists and retrieves models. */
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
        return new ModelList("list", List.of(model()));
    }

    /** One model by its id, as OpenAI's retrieve: 404 {@code model_not_found} for any other. */
    @GetMapping("/v1/models/{id}")
    Model model(@PathVariable("id") String id) {
        Model model = model();
        if (!model.id().equals(id)) {
            throw new ApiException(
                    HttpStatus.NOT_FOUND,
                    "invalid_request_error",
                    "model",
                    "model_not_found",
                    "The model '" + id + "' does not exist: this server serves '" + model.id() + "'");
        }
        return model;
    }

    private Model model() {
        ServedModel.Ready model = served.ready();
        return new Model(model.name(), "model", model.created(), "med42");
    }
}
