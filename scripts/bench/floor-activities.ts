// The floor's activity: does nothing, so what is measured is Temporal's own cost.
export const floorActivities = {
  async nothing(_value: string): Promise<void> {},
};
