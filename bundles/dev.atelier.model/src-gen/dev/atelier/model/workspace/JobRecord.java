/**
 */
package dev.atelier.model.workspace;

import java.util.Date;

import org.eclipse.emf.common.util.EList;
import org.eclipse.emf.common.util.EMap;

import org.eclipse.emf.ecore.EObject;

/**
 * <!-- begin-user-doc -->
 * A representation of the model object '<em><b>Job Record</b></em>'.
 * <!-- end-user-doc -->
 *
 * <p>
 * The following features are supported:
 * </p>
 * <ul>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getId <em>Id</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getKind <em>Kind</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getParameters <em>Parameters</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getDevice <em>Device</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getStart <em>Start</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getEnd <em>End</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getStatus <em>Status</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getOutputs <em>Outputs</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getEnergyJoules <em>Energy Joules</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getAverageWatts <em>Average Watts</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getPeakWatts <em>Peak Watts</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.JobRecord#getMessage <em>Message</em>}</li>
 * </ul>
 *
 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord()
 * @model
 * @generated
 */
public interface JobRecord extends EObject {
	/**
	 * Returns the value of the '<em><b>Id</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Id</em>' attribute.
	 * @see #setId(String)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_Id()
	 * @model id="true" required="true"
	 * @generated
	 */
	String getId();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getId <em>Id</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Id</em>' attribute.
	 * @see #getId()
	 * @generated
	 */
	void setId(String value);

	/**
	 * Returns the value of the '<em><b>Kind</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Kind</em>' attribute.
	 * @see #setKind(String)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_Kind()
	 * @model
	 * @generated
	 */
	String getKind();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getKind <em>Kind</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Kind</em>' attribute.
	 * @see #getKind()
	 * @generated
	 */
	void setKind(String value);

	/**
	 * Returns the value of the '<em><b>Parameters</b></em>' map.
	 * The key is of type {@link java.lang.String},
	 * and the value is of type {@link java.lang.String},
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Parameters</em>' map.
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_Parameters()
	 * @model mapType="dev.atelier.model.workspace.Parameter&lt;org.eclipse.emf.ecore.EString, org.eclipse.emf.ecore.EString&gt;"
	 * @generated
	 */
	EMap<String, String> getParameters();

	/**
	 * Returns the value of the '<em><b>Device</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Device</em>' attribute.
	 * @see #setDevice(String)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_Device()
	 * @model
	 * @generated
	 */
	String getDevice();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getDevice <em>Device</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Device</em>' attribute.
	 * @see #getDevice()
	 * @generated
	 */
	void setDevice(String value);

	/**
	 * Returns the value of the '<em><b>Start</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Start</em>' attribute.
	 * @see #setStart(Date)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_Start()
	 * @model
	 * @generated
	 */
	Date getStart();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getStart <em>Start</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Start</em>' attribute.
	 * @see #getStart()
	 * @generated
	 */
	void setStart(Date value);

	/**
	 * Returns the value of the '<em><b>End</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>End</em>' attribute.
	 * @see #setEnd(Date)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_End()
	 * @model
	 * @generated
	 */
	Date getEnd();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getEnd <em>End</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>End</em>' attribute.
	 * @see #getEnd()
	 * @generated
	 */
	void setEnd(Date value);

	/**
	 * Returns the value of the '<em><b>Status</b></em>' attribute.
	 * The default value is <code>"queued"</code>.
	 * The literals are from the enumeration {@link dev.atelier.model.workspace.JobStatus}.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Status</em>' attribute.
	 * @see dev.atelier.model.workspace.JobStatus
	 * @see #setStatus(JobStatus)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_Status()
	 * @model default="queued"
	 * @generated
	 */
	JobStatus getStatus();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getStatus <em>Status</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Status</em>' attribute.
	 * @see dev.atelier.model.workspace.JobStatus
	 * @see #getStatus()
	 * @generated
	 */
	void setStatus(JobStatus value);

	/**
	 * Returns the value of the '<em><b>Outputs</b></em>' attribute list.
	 * The list contents are of type {@link java.lang.String}.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Outputs</em>' attribute list.
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_Outputs()
	 * @model
	 * @generated
	 */
	EList<String> getOutputs();

	/**
	 * Returns the value of the '<em><b>Energy Joules</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * <!-- begin-model-doc -->
	 * Energy the job drew from the device, in joules; unset when it was not measured.
	 * <!-- end-model-doc -->
	 * @return the value of the '<em>Energy Joules</em>' attribute.
	 * @see #isSetEnergyJoules()
	 * @see #unsetEnergyJoules()
	 * @see #setEnergyJoules(double)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_EnergyJoules()
	 * @model unsettable="true"
	 * @generated
	 */
	double getEnergyJoules();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getEnergyJoules <em>Energy Joules</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Energy Joules</em>' attribute.
	 * @see #isSetEnergyJoules()
	 * @see #unsetEnergyJoules()
	 * @see #getEnergyJoules()
	 * @generated
	 */
	void setEnergyJoules(double value);

	/**
	 * Unsets the value of the '{@link dev.atelier.model.workspace.JobRecord#getEnergyJoules <em>Energy Joules</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #isSetEnergyJoules()
	 * @see #getEnergyJoules()
	 * @see #setEnergyJoules(double)
	 * @generated
	 */
	void unsetEnergyJoules();

	/**
	 * Returns whether the value of the '{@link dev.atelier.model.workspace.JobRecord#getEnergyJoules <em>Energy Joules</em>}' attribute is set.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return whether the value of the '<em>Energy Joules</em>' attribute is set.
	 * @see #unsetEnergyJoules()
	 * @see #getEnergyJoules()
	 * @see #setEnergyJoules(double)
	 * @generated
	 */
	boolean isSetEnergyJoules();

	/**
	 * Returns the value of the '<em><b>Average Watts</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Average Watts</em>' attribute.
	 * @see #isSetAverageWatts()
	 * @see #unsetAverageWatts()
	 * @see #setAverageWatts(double)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_AverageWatts()
	 * @model unsettable="true"
	 * @generated
	 */
	double getAverageWatts();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getAverageWatts <em>Average Watts</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Average Watts</em>' attribute.
	 * @see #isSetAverageWatts()
	 * @see #unsetAverageWatts()
	 * @see #getAverageWatts()
	 * @generated
	 */
	void setAverageWatts(double value);

	/**
	 * Unsets the value of the '{@link dev.atelier.model.workspace.JobRecord#getAverageWatts <em>Average Watts</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #isSetAverageWatts()
	 * @see #getAverageWatts()
	 * @see #setAverageWatts(double)
	 * @generated
	 */
	void unsetAverageWatts();

	/**
	 * Returns whether the value of the '{@link dev.atelier.model.workspace.JobRecord#getAverageWatts <em>Average Watts</em>}' attribute is set.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return whether the value of the '<em>Average Watts</em>' attribute is set.
	 * @see #unsetAverageWatts()
	 * @see #getAverageWatts()
	 * @see #setAverageWatts(double)
	 * @generated
	 */
	boolean isSetAverageWatts();

	/**
	 * Returns the value of the '<em><b>Peak Watts</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Peak Watts</em>' attribute.
	 * @see #isSetPeakWatts()
	 * @see #unsetPeakWatts()
	 * @see #setPeakWatts(double)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_PeakWatts()
	 * @model unsettable="true"
	 * @generated
	 */
	double getPeakWatts();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getPeakWatts <em>Peak Watts</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Peak Watts</em>' attribute.
	 * @see #isSetPeakWatts()
	 * @see #unsetPeakWatts()
	 * @see #getPeakWatts()
	 * @generated
	 */
	void setPeakWatts(double value);

	/**
	 * Unsets the value of the '{@link dev.atelier.model.workspace.JobRecord#getPeakWatts <em>Peak Watts</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @see #isSetPeakWatts()
	 * @see #getPeakWatts()
	 * @see #setPeakWatts(double)
	 * @generated
	 */
	void unsetPeakWatts();

	/**
	 * Returns whether the value of the '{@link dev.atelier.model.workspace.JobRecord#getPeakWatts <em>Peak Watts</em>}' attribute is set.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return whether the value of the '<em>Peak Watts</em>' attribute is set.
	 * @see #unsetPeakWatts()
	 * @see #getPeakWatts()
	 * @see #setPeakWatts(double)
	 * @generated
	 */
	boolean isSetPeakWatts();

	/**
	 * Returns the value of the '<em><b>Message</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Message</em>' attribute.
	 * @see #setMessage(String)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getJobRecord_Message()
	 * @model
	 * @generated
	 */
	String getMessage();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.JobRecord#getMessage <em>Message</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Message</em>' attribute.
	 * @see #getMessage()
	 * @generated
	 */
	void setMessage(String value);

} // JobRecord
