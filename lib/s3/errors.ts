/** S3 errors: a code and status from the S3 API reference, and a message safe to show. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

export const accessDenied = (message = 'Access Denied') => new S3Error('AccessDenied', 403, message);
export const noSuchBucket = () => new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist.');
export const noSuchKey = () => new S3Error('NoSuchKey', 404, 'The specified key does not exist.');
export const invalidArgument = (message: string) => new S3Error('InvalidArgument', 400, message);
export const notImplemented = (what: string) => new S3Error('NotImplemented', 501, `${what} is not supported by Trove.`);
