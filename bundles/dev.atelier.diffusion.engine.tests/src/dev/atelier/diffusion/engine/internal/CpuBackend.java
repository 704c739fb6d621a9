package dev.atelier.diffusion.engine.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.testing.Services;

/** The CPU backend on two threads under a 1 GiB lease, as the engine's tests run it; and the reference files they read. */
final class CpuBackend implements AutoCloseable {

	private final VramLease lease;
	private final ComputeContext context;
	private final Compute compute;

	private CpuBackend(VramLease lease, ComputeContext context, Compute compute) {
		this.lease = lease;
		this.context = context;
		this.compute = compute;
	}

	static CpuBackend open(String client) throws Exception {
		DeviceService devices = Services.await(Engine.class, DeviceService.class);
		VramLease lease = devices.acquire("cpu", LeaseRequest.of(client, 1L << 30));
		ComputeContext context = devices.openContext(lease);
		return new CpuBackend(lease, context, Services.await(Engine.class, ComputeRuntime.class).open(context, 2));
	}

	Compute compute() {
		return compute;
	}

	@Override
	public void close() {
		compute.close();
		context.close();
		lease.close();
	}

	static JsonObject json(Path file) throws IOException {
		return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
	}

	/** Little-endian F32 values, as the reference scripts write them. */
	static float[] floats(Path file) throws IOException {
		ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
		float[] out = new float[b.remaining() / 4];
		b.asFloatBuffer().get(out);
		return out;
	}
}
