// The Streamlit adapter of the coverage map: the element's JavaScript is map.js (the
// drawing core) followed by this file (ui/map_element/__init__.py). A click is sent
// back to Python as the trigger value {level, code}.

export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  let controller = parentElement.opsnController;
  if (!controller) {
    controller = new CoverageMap(parentElement, setTriggerValue);
    parentElement.opsnController = controller;
  }
  controller.trigger = setTriggerValue;
  if (data) controller.update(data);
  // Streamlit calls the last returned function when the element leaves the page.
  return () => {
    const host = parentElement.host || parentElement;
    if (!host.isConnected) {
      controller.destroy();
      delete parentElement.opsnController;
    }
  };
}
