/** Answer of the unauthenticated `GET /system_information`. */
export interface CmlSystemInformation {
  version: string;
  /** False while the controller is still booting its services. */
  ready: boolean;
}
