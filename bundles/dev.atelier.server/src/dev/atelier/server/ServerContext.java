package dev.atelier.server;

import java.nio.file.Path;

/**
 * The server a {@link ServerApi} is opened for: its workspace, the models folder it serves ({@code llm/},
 * {@code checkpoints/}: the workspace's preference {@code models.folder}, else {@code <workspace>/models}), the device
 * its models run on ({@code auto} or an id the device service lists), its limits, and Atelier's version.
 */
public record ServerContext(Path workspace, Path models, String deviceId, Limits limits, String version) {
}
