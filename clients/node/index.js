// The ES module entry: the implementation is index.cjs, so that `import` and
// `require` share one MockawsError class and one set of started servers.
import mockaws from './index.cjs';

export const { startMockaws, connectMockaws, useMockaws, MockawsClient, MockawsError } = mockaws;
export default mockaws;
