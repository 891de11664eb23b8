export * from './users';
export * from './teams';
export * from './datasets';
export * from './sharing';
export * from './instance';
export * from './access-keys';
export * from './s3-uploads';
export * from './file-history';
