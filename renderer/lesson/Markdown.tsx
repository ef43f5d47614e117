/**
 * A lesson's Markdown: narratives, prompts, explanations. react-markdown renders no raw HTML; links and images are
 * unwrapped to their text too, since a lesson file is a stranger's input and the app opens nothing it names.
 */
import ReactMarkdown from "react-markdown";

const DISALLOWED = ["a", "img", "iframe", "script", "style"];

export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className}>
      <ReactMarkdown disallowedElements={DISALLOWED} unwrapDisallowed skipHtml>
        {text}
      </ReactMarkdown>
    </div>
  );
}
