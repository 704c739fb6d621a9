package dev.atelier.bench.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.bench.BenchReport;
import dev.atelier.bench.BenchService;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.device.DeviceService;

@Component(service = BenchService.class)
public final class BenchServiceImpl implements BenchService {

	private final DeviceService devices;

	@Activate
	public BenchServiceImpl(@Reference DeviceService devices) {
		this.devices = devices;
	}

	@Override
	public BenchReport run(String suite, String deviceId, int runs, boolean reference, JobContext job) throws InterruptedException {
		if (!List.of("gpu", "cpu", "all").contains(suite)) {
			throw new IllegalArgumentException("the suite must be gpu, cpu or all, not '" + suite + "'");
		}
		BenchRunner.Options defaults = BenchRunner.Options.defaults(suite);
		return BenchRunner.run(devices, new BenchRunner.Options(suite, deviceId, defaults.warmup(), runs, reference, defaults.gpuSizes(),
				defaults.cpuSizes(), defaults.torch()), job);
	}

	@Override
	public String html(BenchReport report) {
		return HtmlReport.render(report);
	}
}
