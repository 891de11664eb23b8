export { signUp, type SignupOutcome } from './signup';
export { resendVerificationEmail, verifyEmailWithToken, queueVerificationEmail, verifyEmailByOperator } from './verification';
export { requestPasswordReset, resetPassword, createPasswordResetLink } from './password-reset';
export { inspectAccountToken, type AccountTokenState } from './tokens';
export { changePassword } from './change-password';
