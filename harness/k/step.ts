// A step of the test in the report.
import * as allure from "allure-js-commons";

/** allure's step returns a PromiseLike; callers want a Promise. */
export function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return Promise.resolve(allure.step(name, fn));
}
