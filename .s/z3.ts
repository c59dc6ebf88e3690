import { PlanFileSchema } from "../src/plan/schema.ts";
for (const k of ["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"]) {
  const j = JSON.parse(`{"version":1,"tasks":[{"id":"A","title":"a","${k}":"x"}], "${k}": 1}`);
  const r = PlanFileSchema.safeParse(j);
  console.log(k, r.success, r.success ? "" : JSON.stringify(r.error.issues.map(i=>[i.code,i.path,(i as any).keys])));
}
