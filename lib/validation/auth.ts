import { z } from 'zod';
import { emailField, lineText } from './common';

const newPassword = z
  .string({ message: 'Enter a new password.' })
  .min(8, 'Password must be at least 8 characters.')
  .max(200, 'Password must be at most 200 characters.');

export const signupSchema = z.object({
  name: lineText('Name', 1, 100),
  email: emailField,
  password: newPassword,
  callbackUrl: z.string().max(2000).optional(),
});
export type SignupInput = z.input<typeof signupSchema>;

export const loginSchema = z.object({
  email: emailField,
  password: z.string({ message: 'Password is required.' }).min(1, 'Password is required.').max(200, 'Password is too long.'),
  callbackUrl: z.string().max(2000).optional(),
});
export type LoginInput = z.input<typeof loginSchema>;

export const changePasswordSchema = z.object({
  currentPassword: z.string({ message: 'Enter your current password.' }).min(1, 'Enter your current password.').max(200, 'Password is too long.'),
  newPassword,
});
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/** A token from a mailed link; its form is checked by lib/ (a wrong one is "not valid", not a field error). */
const linkToken = z.string({ message: 'This link is not valid.' }).max(200, 'This link is not valid.');

export const forgotPasswordSchema = z.object({ email: emailField });
export type ForgotPasswordInput = z.input<typeof forgotPasswordSchema>;

export const resetPasswordSchema = z.object({ token: linkToken, newPassword });
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;

export const verifyEmailSchema = z.object({ token: linkToken });

export const renameUserSchema = z.object({ name: lineText('Name', 1, 100) });
export type RenameUserInput = z.input<typeof renameUserSchema>;

export const noInputSchema = z.object({}).strict();
