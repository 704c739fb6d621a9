package dev.atelier.model.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.atelier.core.jobs.EnergyMeter;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;
import dev.atelier.model.WorkspaceManager;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.JobStatus;
import dev.atelier.model.workspace.WorkspaceFactory;

/**
 * Keeps a {@link JobRecord} in the workspace for every job that ran: kind, start, end, status, and the energy
 * it cost where an {@link EnergyMeter} can tell.
 */
@Component(immediate = true)
public final class JobRecorder {

	private static final System.Logger LOG = System.getLogger(JobRecorder.class.getName());
	/** The parameter that marks a record's energy as a simulated card's made-up figures. */
	public static final String SIMULATED_ENERGY = "energy";

	private static final long PID = ProcessHandle.current().pid();

	private final JobService jobs;
	private final WorkspaceManager workspace;
	private volatile EnergyMeter meter;
	private final Map<Long, Running> running = new ConcurrentHashMap<>();
	private final JobService.JobListener listener = this::changed;

	private record Running(Date start, Optional<EnergyMeter.Measurement> measurement) {
	}

	@Activate
	public JobRecorder(@Reference JobService jobs, @Reference WorkspaceManager workspace) {
		this.jobs = jobs;
		this.workspace = workspace;
		jobs.addListener(listener);
	}

	@Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
	public void setMeter(EnergyMeter meter) {
		this.meter = meter;
	}

	public void unsetMeter(EnergyMeter old) {
		if (meter == old) {
			meter = null;
		}
	}

	@Deactivate
	public void close() {
		jobs.removeListener(listener);
	}

	private void changed(JobHandle<?> job) {
		if (job.state() == JobState.RUNNING) {
			EnergyMeter m = meter;
			running.computeIfAbsent(job.id(), id -> new Running(new Date(), Optional.ofNullable(m).map(EnergyMeter::start)));
		} else if (job.state().isDone()) {
			Running run = running.remove(job.id());
			Date end = new Date();
			// billed only the devices the job ran on: a CPU job does not pay a simulated card's watts
			List<String> used = JobHandle.devices(job.details());
			Optional<EnergyMeter.Reading> energy = run == null ? Optional.empty() : run.measurement().flatMap(m -> m.stop(used));
			record(job, run == null ? end : run.start(), end, energy);
		}
	}

	private void record(JobHandle<?> job, Date start, Date end, Optional<EnergyMeter.Reading> energy) {
		JobRecord record = WorkspaceFactory.eINSTANCE.createJobRecord();
		// unique among the processes that share the workspace: a job number is unique only within its process
		record.setId("job-" + start.getTime() + "-" + PID + "-" + job.id());
		record.setKind(job.name());
		record.setStart(start);
		record.setEnd(end);
		record.setStatus(switch (job.state()) {
		case SUCCEEDED -> JobStatus.SUCCEEDED;
		case CANCELLED -> JobStatus.CANCELLED;
		default -> JobStatus.FAILED;
		});
		job.details().forEach((key, value) -> {
			if (key.equals(JobHandle.DEVICE)) {
				record.setDevice(value);
			} else {
				record.getParameters().put(key, value);
			}
		});
		record.getOutputs().addAll(job.outputs());
		energy.ifPresent(e -> {
			record.setEnergyJoules(e.joules());
			record.setAverageWatts(e.averageWatts());
			record.setPeakWatts(e.peakWatts());
			if (e.simulated()) {
				record.getParameters().put(SIMULATED_ENERGY, "simulated device figures, not measured");
			}
		});
		try {
			workspace.update(ws -> ws.getJobs().add(record));
		} catch (IOException e) {
			LOG.log(Level.ERROR, "cannot record job '" + job.name() + "' in " + workspace.file() + ": " + e.getMessage());
		}
	}
}
