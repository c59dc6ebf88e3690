/**
 * What `_workflow_parser.ts` bundles: GitHub's workflow parser, from the
 * locked npm package (Deno cannot import it as published).
 * @module
 */
export {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
