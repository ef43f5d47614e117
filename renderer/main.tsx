import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles.css";
import "./panels.css";
import { App } from "./App";
import { connectLab } from "./api";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App connection={connectLab()} />
  </StrictMode>,
);
