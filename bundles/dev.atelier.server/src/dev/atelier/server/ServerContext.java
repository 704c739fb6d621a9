package dev.atelier.server;

import java.nio.file.Path;

/**
 * The server a {@link ServerApi} is opened for: its workspace (whose {@code models/} it serves), the device its
 * models run on ({@code auto} or an id the device service lists), its limits, and Atelier's version.
 */
public record ServerContext(Path workspace, String deviceId, Limits limits, String version) {
}
