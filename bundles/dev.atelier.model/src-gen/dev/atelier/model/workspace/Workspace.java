/**
 */
package dev.atelier.model.workspace;

import org.eclipse.emf.common.util.EList;

import org.eclipse.emf.ecore.EObject;

/**
 * <!-- begin-user-doc -->
 * A representation of the model object '<em><b>Workspace</b></em>'.
 * <!-- end-user-doc -->
 *
 * <p>
 * The following features are supported:
 * </p>
 * <ul>
 *   <li>{@link dev.atelier.model.workspace.Workspace#getName <em>Name</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.Workspace#getProjects <em>Projects</em>}</li>
 *   <li>{@link dev.atelier.model.workspace.Workspace#getJobs <em>Jobs</em>}</li>
 * </ul>
 *
 * @see dev.atelier.model.workspace.WorkspacePackage#getWorkspace()
 * @model
 * @generated
 */
public interface Workspace extends EObject {
	/**
	 * Returns the value of the '<em><b>Name</b></em>' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Name</em>' attribute.
	 * @see #setName(String)
	 * @see dev.atelier.model.workspace.WorkspacePackage#getWorkspace_Name()
	 * @model
	 * @generated
	 */
	String getName();

	/**
	 * Sets the value of the '{@link dev.atelier.model.workspace.Workspace#getName <em>Name</em>}' attribute.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @param value the new value of the '<em>Name</em>' attribute.
	 * @see #getName()
	 * @generated
	 */
	void setName(String value);

	/**
	 * Returns the value of the '<em><b>Projects</b></em>' containment reference list.
	 * The list contents are of type {@link dev.atelier.model.workspace.Project}.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Projects</em>' containment reference list.
	 * @see dev.atelier.model.workspace.WorkspacePackage#getWorkspace_Projects()
	 * @model containment="true"
	 * @generated
	 */
	EList<Project> getProjects();

	/**
	 * Returns the value of the '<em><b>Jobs</b></em>' containment reference list.
	 * The list contents are of type {@link dev.atelier.model.workspace.JobRecord}.
	 * <!-- begin-user-doc -->
	 * <!-- end-user-doc -->
	 * @return the value of the '<em>Jobs</em>' containment reference list.
	 * @see dev.atelier.model.workspace.WorkspacePackage#getWorkspace_Jobs()
	 * @model containment="true"
	 * @generated
	 */
	EList<JobRecord> getJobs();

} // Workspace
