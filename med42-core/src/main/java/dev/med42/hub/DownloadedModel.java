package dev.med42.hub;

import java.nio.file.Path;
import java.util.List;

/**
 * A model on disk.
 *
 * @param model the path to give {@code GGUFFile.open} or {@code LlamaModel.load}: the file, the first shard,
 *     or for raw parts their stem {@code X.gguf}, which the loader reads as the parts {@code X.gguf-split-a},
 *     … (or as the joined file, once there is one)
 * @param files the files on disk, in order
 */
public record DownloadedModel(Path model, List<Path> files) {
    public DownloadedModel {
        files = List.copyOf(files);
    }
}
