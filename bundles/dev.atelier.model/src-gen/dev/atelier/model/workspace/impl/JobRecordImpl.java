/**
 */
package dev.atelier.model.workspace.impl;

import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.JobStatus;
import dev.atelier.model.workspace.WorkspacePackage;

import java.util.Collection;
import java.util.Date;

import org.eclipse.emf.common.notify.Notification;
import org.eclipse.emf.common.notify.NotificationChain;

import org.eclipse.emf.common.util.EList;
import org.eclipse.emf.common.util.EMap;

import org.eclipse.emf.ecore.EClass;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.emf.ecore.InternalEObject;

import org.eclipse.emf.ecore.impl.ENotificationImpl;
import org.eclipse.emf.ecore.impl.MinimalEObjectImpl;

import org.eclipse.emf.ecore.util.EDataTypeUniqueEList;
import org.eclipse.emf.ecore.util.EcoreEMap;
import org.eclipse.emf.ecore.util.InternalEList;

/**
 * <!-- begin-user-doc -->
 * An implementation of the model object '<em><b>Job Record</b></em>'.
 * <!-- end-user-doc -->
 * <p>
 * The following features are implemented:
 * </p>
 * <ul>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getId <em>Id</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getKind <em>Kind</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getParameters <em>Parameters</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getDevice <em>Device</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getStart <em>Start</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getEnd <em>End</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getStatus <em>Status</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getOutputs <em>Outputs</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getEnergyJoules <em>Energy Joules</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getAverageWatts <em>Average Watts</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getPeakWatts <em>Peak Watts</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.impl.JobRecordImpl#getMessage <em>Message</em>}</li>
 * </ul>
 *
 * @generated
 */
public class JobRecordImpl extends MinimalEObjectImpl.Container implements JobRecord {
	/**
	 * The default value of the '{@link #getId() <em>Id</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getId()
	 * @generated
	 * @ordered
	 */
	protected static final String ID_EDEFAULT = null;

	/**
	 * The cached value of the '{@link #getId() <em>Id</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getId()
	 * @generated
	 * @ordered
	 */
	protected String id = ID_EDEFAULT;

	/**
	 * The default value of the '{@link #getKind() <em>Kind</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getKind()
	 * @generated
	 * @ordered
	 */
	protected static final String KIND_EDEFAULT = null;

	/**
	 * The cached value of the '{@link #getKind() <em>Kind</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getKind()
	 * @generated
	 * @ordered
	 */
	protected String kind = KIND_EDEFAULT;

	/**
	 * The cached value of the '{@link #getParameters() <em>Parameters</em>}' map.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getParameters()
	 * @generated
	 * @ordered
	 */
	protected EMap<String, String> parameters;

	/**
	 * The default value of the '{@link #getDevice() <em>Device</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getDevice()
	 * @generated
	 * @ordered
	 */
	protected static final String DEVICE_EDEFAULT = null;

	/**
	 * The cached value of the '{@link #getDevice() <em>Device</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getDevice()
	 * @generated
	 * @ordered
	 */
	protected String device = DEVICE_EDEFAULT;

	/**
	 * The default value of the '{@link #getStart() <em>Start</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getStart()
	 * @generated
	 * @ordered
	 */
	protected static final Date START_EDEFAULT = null;

	/**
	 * The cached value of the '{@link #getStart() <em>Start</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getStart()
	 * @generated
	 * @ordered
	 */
	protected Date start = START_EDEFAULT;

	/**
	 * The default value of the '{@link #getEnd() <em>End</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getEnd()
	 * @generated
	 * @ordered
	 */
	protected static final Date END_EDEFAULT = null;

	/**
	 * The cached value of the '{@link #getEnd() <em>End</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getEnd()
	 * @generated
	 * @ordered
	 */
	protected Date end = END_EDEFAULT;

	/**
	 * The default value of the '{@link #getStatus() <em>Status</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getStatus()
	 * @generated
	 * @ordered
	 */
	protected static final JobStatus STATUS_EDEFAULT = JobStatus.QUEUED;

	/**
	 * The cached value of the '{@link #getStatus() <em>Status</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getStatus()
	 * @generated
	 * @ordered
	 */
	protected JobStatus status = STATUS_EDEFAULT;

	/**
	 * The cached value of the '{@link #getOutputs() <em>Outputs</em>}' attribute list.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getOutputs()
	 * @generated
	 * @ordered
	 */
	protected EList<String> outputs;

	/**
	 * The default value of the '{@link #getEnergyJoules() <em>Energy Joules</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getEnergyJoules()
	 * @generated
	 * @ordered
	 */
	protected static final double ENERGY_JOULES_EDEFAULT = 0.0;

	/**
	 * The cached value of the '{@link #getEnergyJoules() <em>Energy Joules</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getEnergyJoules()
	 * @generated
	 * @ordered
	 */
	protected double energyJoules = ENERGY_JOULES_EDEFAULT;

	/**
	 * This is true if the Energy Joules attribute has been set.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 * @ordered
	 */
	protected boolean energyJoulesESet;

	/**
	 * The default value of the '{@link #getAverageWatts() <em>Average Watts</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getAverageWatts()
	 * @generated
	 * @ordered
	 */
	protected static final double AVERAGE_WATTS_EDEFAULT = 0.0;

	/**
	 * The cached value of the '{@link #getAverageWatts() <em>Average Watts</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getAverageWatts()
	 * @generated
	 * @ordered
	 */
	protected double averageWatts = AVERAGE_WATTS_EDEFAULT;

	/**
	 * This is true if the Average Watts attribute has been set.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 * @ordered
	 */
	protected boolean averageWattsESet;

	/**
	 * The default value of the '{@link #getPeakWatts() <em>Peak Watts</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getPeakWatts()
	 * @generated
	 * @ordered
	 */
	protected static final double PEAK_WATTS_EDEFAULT = 0.0;

	/**
	 * The cached value of the '{@link #getPeakWatts() <em>Peak Watts</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getPeakWatts()
	 * @generated
	 * @ordered
	 */
	protected double peakWatts = PEAK_WATTS_EDEFAULT;

	/**
	 * This is true if the Peak Watts attribute has been set.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 * @ordered
	 */
	protected boolean peakWattsESet;

	/**
	 * The default value of the '{@link #getMessage() <em>Message</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getMessage()
	 * @generated
	 * @ordered
	 */
	protected static final String MESSAGE_EDEFAULT = null;

	/**
	 * The cached value of the '{@link #getMessage() <em>Message</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #getMessage()
	 * @generated
	 * @ordered
	 */
	protected String message = MESSAGE_EDEFAULT;

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	protected JobRecordImpl() {
		super();
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	protected EClass eStaticClass() {
		return WorkspacePackage.Literals.JOB_RECORD;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public String getId() {
		return id;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setId(String newId) {
		String oldId = id;
		id = newId;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__ID, oldId, id));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public String getKind() {
		return kind;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setKind(String newKind) {
		String oldKind = kind;
		kind = newKind;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__KIND, oldKind, kind));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public EMap<String, String> getParameters() {
		if (parameters == null) {
			parameters = new EcoreEMap<String,String>(WorkspacePackage.Literals.PARAMETER, ParameterImpl.class, this, WorkspacePackage.JOB_RECORD__PARAMETERS);
		}
		return parameters;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public String getDevice() {
		return device;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setDevice(String newDevice) {
		String oldDevice = device;
		device = newDevice;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__DEVICE, oldDevice, device));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public Date getStart() {
		return start;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setStart(Date newStart) {
		Date oldStart = start;
		start = newStart;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__START, oldStart, start));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public Date getEnd() {
		return end;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setEnd(Date newEnd) {
		Date oldEnd = end;
		end = newEnd;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__END, oldEnd, end));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public JobStatus getStatus() {
		return status;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setStatus(JobStatus newStatus) {
		JobStatus oldStatus = status;
		status = newStatus == null ? STATUS_EDEFAULT : newStatus;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__STATUS, oldStatus, status));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public EList<String> getOutputs() {
		if (outputs == null) {
			outputs = new EDataTypeUniqueEList<String>(String.class, this, WorkspacePackage.JOB_RECORD__OUTPUTS);
		}
		return outputs;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public double getEnergyJoules() {
		return energyJoules;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setEnergyJoules(double newEnergyJoules) {
		double oldEnergyJoules = energyJoules;
		energyJoules = newEnergyJoules;
		boolean oldEnergyJoulesESet = energyJoulesESet;
		energyJoulesESet = true;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__ENERGY_JOULES, oldEnergyJoules, energyJoules, !oldEnergyJoulesESet));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void unsetEnergyJoules() {
		double oldEnergyJoules = energyJoules;
		boolean oldEnergyJoulesESet = energyJoulesESet;
		energyJoules = ENERGY_JOULES_EDEFAULT;
		energyJoulesESet = false;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.UNSET, WorkspacePackage.JOB_RECORD__ENERGY_JOULES, oldEnergyJoules, ENERGY_JOULES_EDEFAULT, oldEnergyJoulesESet));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public boolean isSetEnergyJoules() {
		return energyJoulesESet;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public double getAverageWatts() {
		return averageWatts;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setAverageWatts(double newAverageWatts) {
		double oldAverageWatts = averageWatts;
		averageWatts = newAverageWatts;
		boolean oldAverageWattsESet = averageWattsESet;
		averageWattsESet = true;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__AVERAGE_WATTS, oldAverageWatts, averageWatts, !oldAverageWattsESet));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void unsetAverageWatts() {
		double oldAverageWatts = averageWatts;
		boolean oldAverageWattsESet = averageWattsESet;
		averageWatts = AVERAGE_WATTS_EDEFAULT;
		averageWattsESet = false;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.UNSET, WorkspacePackage.JOB_RECORD__AVERAGE_WATTS, oldAverageWatts, AVERAGE_WATTS_EDEFAULT, oldAverageWattsESet));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public boolean isSetAverageWatts() {
		return averageWattsESet;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public double getPeakWatts() {
		return peakWatts;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setPeakWatts(double newPeakWatts) {
		double oldPeakWatts = peakWatts;
		peakWatts = newPeakWatts;
		boolean oldPeakWattsESet = peakWattsESet;
		peakWattsESet = true;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__PEAK_WATTS, oldPeakWatts, peakWatts, !oldPeakWattsESet));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void unsetPeakWatts() {
		double oldPeakWatts = peakWatts;
		boolean oldPeakWattsESet = peakWattsESet;
		peakWatts = PEAK_WATTS_EDEFAULT;
		peakWattsESet = false;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.UNSET, WorkspacePackage.JOB_RECORD__PEAK_WATTS, oldPeakWatts, PEAK_WATTS_EDEFAULT, oldPeakWattsESet));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public boolean isSetPeakWatts() {
		return peakWattsESet;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public String getMessage() {
		return message;
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void setMessage(String newMessage) {
		String oldMessage = message;
		message = newMessage;
		if (eNotificationRequired())
			eNotify(new ENotificationImpl(this, Notification.SET, WorkspacePackage.JOB_RECORD__MESSAGE, oldMessage, message));
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public NotificationChain eInverseRemove(InternalEObject otherEnd, int featureID, NotificationChain msgs) {
		switch (featureID) {
			case WorkspacePackage.JOB_RECORD__PARAMETERS:
				return ((InternalEList<?>)getParameters()).basicRemove(otherEnd, msgs);
		}
		return super.eInverseRemove(otherEnd, featureID, msgs);
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public Object eGet(int featureID, boolean resolve, boolean coreType) {
		switch (featureID) {
			case WorkspacePackage.JOB_RECORD__ID:
				return getId();
			case WorkspacePackage.JOB_RECORD__KIND:
				return getKind();
			case WorkspacePackage.JOB_RECORD__PARAMETERS:
				if (coreType) return getParameters();
				else return getParameters().map();
			case WorkspacePackage.JOB_RECORD__DEVICE:
				return getDevice();
			case WorkspacePackage.JOB_RECORD__START:
				return getStart();
			case WorkspacePackage.JOB_RECORD__END:
				return getEnd();
			case WorkspacePackage.JOB_RECORD__STATUS:
				return getStatus();
			case WorkspacePackage.JOB_RECORD__OUTPUTS:
				return getOutputs();
			case WorkspacePackage.JOB_RECORD__ENERGY_JOULES:
				return getEnergyJoules();
			case WorkspacePackage.JOB_RECORD__AVERAGE_WATTS:
				return getAverageWatts();
			case WorkspacePackage.JOB_RECORD__PEAK_WATTS:
				return getPeakWatts();
			case WorkspacePackage.JOB_RECORD__MESSAGE:
				return getMessage();
		}
		return super.eGet(featureID, resolve, coreType);
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@SuppressWarnings("unchecked")
	@Override
	public void eSet(int featureID, Object newValue) {
		switch (featureID) {
			case WorkspacePackage.JOB_RECORD__ID:
				setId((String)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__KIND:
				setKind((String)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__PARAMETERS:
				((EStructuralFeature.Setting)getParameters()).set(newValue);
				return;
			case WorkspacePackage.JOB_RECORD__DEVICE:
				setDevice((String)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__START:
				setStart((Date)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__END:
				setEnd((Date)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__STATUS:
				setStatus((JobStatus)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__OUTPUTS:
				getOutputs().clear();
				getOutputs().addAll((Collection<? extends String>)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__ENERGY_JOULES:
				setEnergyJoules((Double)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__AVERAGE_WATTS:
				setAverageWatts((Double)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__PEAK_WATTS:
				setPeakWatts((Double)newValue);
				return;
			case WorkspacePackage.JOB_RECORD__MESSAGE:
				setMessage((String)newValue);
				return;
		}
		super.eSet(featureID, newValue);
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public void eUnset(int featureID) {
		switch (featureID) {
			case WorkspacePackage.JOB_RECORD__ID:
				setId(ID_EDEFAULT);
				return;
			case WorkspacePackage.JOB_RECORD__KIND:
				setKind(KIND_EDEFAULT);
				return;
			case WorkspacePackage.JOB_RECORD__PARAMETERS:
				getParameters().clear();
				return;
			case WorkspacePackage.JOB_RECORD__DEVICE:
				setDevice(DEVICE_EDEFAULT);
				return;
			case WorkspacePackage.JOB_RECORD__START:
				setStart(START_EDEFAULT);
				return;
			case WorkspacePackage.JOB_RECORD__END:
				setEnd(END_EDEFAULT);
				return;
			case WorkspacePackage.JOB_RECORD__STATUS:
				setStatus(STATUS_EDEFAULT);
				return;
			case WorkspacePackage.JOB_RECORD__OUTPUTS:
				getOutputs().clear();
				return;
			case WorkspacePackage.JOB_RECORD__ENERGY_JOULES:
				unsetEnergyJoules();
				return;
			case WorkspacePackage.JOB_RECORD__AVERAGE_WATTS:
				unsetAverageWatts();
				return;
			case WorkspacePackage.JOB_RECORD__PEAK_WATTS:
				unsetPeakWatts();
				return;
			case WorkspacePackage.JOB_RECORD__MESSAGE:
				setMessage(MESSAGE_EDEFAULT);
				return;
		}
		super.eUnset(featureID);
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public boolean eIsSet(int featureID) {
		switch (featureID) {
			case WorkspacePackage.JOB_RECORD__ID:
				return ID_EDEFAULT == null ? id != null : !ID_EDEFAULT.equals(id);
			case WorkspacePackage.JOB_RECORD__KIND:
				return KIND_EDEFAULT == null ? kind != null : !KIND_EDEFAULT.equals(kind);
			case WorkspacePackage.JOB_RECORD__PARAMETERS:
				return parameters != null && !parameters.isEmpty();
			case WorkspacePackage.JOB_RECORD__DEVICE:
				return DEVICE_EDEFAULT == null ? device != null : !DEVICE_EDEFAULT.equals(device);
			case WorkspacePackage.JOB_RECORD__START:
				return START_EDEFAULT == null ? start != null : !START_EDEFAULT.equals(start);
			case WorkspacePackage.JOB_RECORD__END:
				return END_EDEFAULT == null ? end != null : !END_EDEFAULT.equals(end);
			case WorkspacePackage.JOB_RECORD__STATUS:
				return status != STATUS_EDEFAULT;
			case WorkspacePackage.JOB_RECORD__OUTPUTS:
				return outputs != null && !outputs.isEmpty();
			case WorkspacePackage.JOB_RECORD__ENERGY_JOULES:
				return isSetEnergyJoules();
			case WorkspacePackage.JOB_RECORD__AVERAGE_WATTS:
				return isSetAverageWatts();
			case WorkspacePackage.JOB_RECORD__PEAK_WATTS:
				return isSetPeakWatts();
			case WorkspacePackage.JOB_RECORD__MESSAGE:
				return MESSAGE_EDEFAULT == null ? message != null : !MESSAGE_EDEFAULT.equals(message);
		}
		return super.eIsSet(featureID);
	}

	/**
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @generated
	 */
	@Override
	public String toString() {
		if (eIsProxy()) return super.toString();

		StringBuilder result = new StringBuilder(super.toString());
		result.append(" (id: ");
		result.append(id);
		result.append(", kind: ");
		result.append(kind);
		result.append(", device: ");
		result.append(device);
		result.append(", start: ");
		result.append(start);
		result.append(", end: ");
		result.append(end);
		result.append(", status: ");
		result.append(status);
		result.append(", outputs: ");
		result.append(outputs);
		result.append(", energyJoules: ");
		if (energyJoulesESet) result.append(energyJoules); else result.append("<unset>");
		result.append(", averageWatts: ");
		if (averageWattsESet) result.append(averageWatts); else result.append("<unset>");
		result.append(", peakWatts: ");
		if (peakWattsESet) result.append(peakWatts); else result.append("<unset>");
		result.append(", message: ");
		result.append(message);
		result.append(')');
		return result.toString();
	}

} //JobRecordImpl
