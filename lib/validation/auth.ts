import { z } from 'zod';
import { emailField, lineText } from './common';

export const signupSchema = z.object({
  name: lineText('Name', 1, 100),
  email: emailField,
  password: z
    .string({ message: 'Password is required.' })
    .min(8, 'Password must be at least 8 characters.')
    .max(200, 'Password must be at most 200 characters.'),
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
  newPassword: z
    .string({ message: 'Enter a new password.' })
    .min(8, 'Password must be at least 8 characters.')
    .max(200, 'Password must be at most 200 characters.'),
});
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;
